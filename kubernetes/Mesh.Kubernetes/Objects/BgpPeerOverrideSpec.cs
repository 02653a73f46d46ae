namespace Mesh.Kubernetes.Objects;

/// <summary><c>spec.bgpInstances[].peers[]</c> of a node override: the source address for that peer.</summary>
public sealed record BgpPeerOverrideSpec(string Name, string LocalAddress);
