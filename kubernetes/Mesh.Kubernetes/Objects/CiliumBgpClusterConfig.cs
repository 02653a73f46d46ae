namespace Mesh.Kubernetes.Objects;

/// <summary>
/// A CiliumBGPClusterConfig (cilium.io/v2): which nodes run BGP (<c>spec.nodeSelector</c>, null = all) and their
/// BGP instances with peers.
/// </summary>
public sealed record CiliumBgpClusterConfig(ObjectMeta Metadata, LabelSelector? NodeSelector, IReadOnlyList<BgpInstanceSpec> BgpInstances) : IKubeObject
{
    public string Kind => "CiliumBGPClusterConfig";
}
