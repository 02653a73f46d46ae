using Mesh.Bgp.Codec.Capabilities;

namespace Mesh.Bgp.Codec.Messages;

/// <summary>
/// What the local configuration requires of a peer's OPEN. <see cref="PeerAsn"/> 0 accepts any AS (Cilium's
/// <c>peerASN: 0</c>); <see cref="RequiredCapabilities"/> are ones the session cannot run without.
/// </summary>
public sealed record OpenExpectations(uint LocalAsn, uint LocalBgpIdentifier, uint PeerAsn = 0)
{
    public ValueArray<BgpCapability> RequiredCapabilities { get; init; }
}
