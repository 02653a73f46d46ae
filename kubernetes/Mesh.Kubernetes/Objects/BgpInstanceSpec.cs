namespace Mesh.Kubernetes.Objects;

/// <summary><c>spec.bgpInstances[]</c> of a CiliumBGPClusterConfig.</summary>
public sealed record BgpInstanceSpec(string Name, long? LocalAsn, long? LocalPort, IReadOnlyList<BgpPeerSpec> Peers);
