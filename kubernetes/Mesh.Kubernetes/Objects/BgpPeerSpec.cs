namespace Mesh.Kubernetes.Objects;

/// <summary>
/// <c>spec.bgpInstances[].peers[]</c>: address (may be empty with auto-discovery), ASN (0 = learn from OPEN),
/// the referenced CiliumBGPPeerConfig name, and the auto-discovery mode if any.
/// </summary>
public sealed record BgpPeerSpec(string Name, string PeerAddress, long? PeerAsn, string PeerConfigRef, string AutoDiscoveryMode);
