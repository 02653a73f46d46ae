namespace Mesh.Kubernetes.Objects;

/// <summary>An MCS-API ServiceExport (multicluster.x-k8s.io/v1alpha1): exports the Service of the same name.</summary>
public sealed record ServiceExport(ObjectMeta Metadata) : IKubeObject
{
    public string Kind => "ServiceExport";
}
