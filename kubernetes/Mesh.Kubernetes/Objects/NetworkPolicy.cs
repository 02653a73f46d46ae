namespace Mesh.Kubernetes.Objects;

/// <summary>A Kubernetes NetworkPolicy (networking.k8s.io/v1).</summary>
public sealed record NetworkPolicy(ObjectMeta Metadata, string Uid, NetworkPolicySpec Spec) : IKubeObject
{
    public string Kind => "NetworkPolicy";
}
