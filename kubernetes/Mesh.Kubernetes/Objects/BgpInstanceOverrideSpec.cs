namespace Mesh.Kubernetes.Objects;

/// <summary><c>spec.bgpInstances[]</c> of a node override: router ID, local port and ASN, per-peer local address.</summary>
public sealed record BgpInstanceOverrideSpec(string Name, string RouterId, long? LocalPort, long? LocalAsn, IReadOnlyList<BgpPeerOverrideSpec> Peers);
