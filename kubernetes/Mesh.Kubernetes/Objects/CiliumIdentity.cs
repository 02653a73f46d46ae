namespace Mesh.Kubernetes.Objects;

/// <summary>A CiliumIdentity (cilium.io/v2): the name is the numeric identity, <c>security-labels</c> its labels.</summary>
public sealed record CiliumIdentity(ObjectMeta Metadata, IReadOnlyDictionary<string, string> SecurityLabels) : IKubeObject
{
    public string Kind => "CiliumIdentity";
}
