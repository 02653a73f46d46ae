namespace Mesh.Kubernetes.Objects;

/// <summary>A Namespace (v1); its annotations decide whether it is global in the mesh.</summary>
public sealed record KubeNamespace(ObjectMeta Metadata) : IKubeObject
{
    public string Kind => "Namespace";
}
