namespace Mesh.Kubernetes.Objects;

/// <summary>
/// A CiliumBGPPeerConfig (cilium.io/v2): settings shared by the peers that reference it. <see cref="Families"/> is
/// null when the field is absent (Cilium then uses ipv6/unicast and ipv4/unicast).
/// </summary>
public sealed record CiliumBgpPeerConfig(
    ObjectMeta Metadata,
    long? PeerPort,
    BgpTimersSpec? Timers,
    string AuthSecretRef,
    BgpGracefulRestartSpec? GracefulRestart,
    long? EbgpMultihop,
    IReadOnlyList<BgpFamilySpec>? Families) : IKubeObject
{
    public string Kind => "CiliumBGPPeerConfig";
}
