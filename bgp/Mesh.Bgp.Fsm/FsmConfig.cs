using Mesh.Bgp.Codec;
using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Messages;

namespace Mesh.Bgp.Fsm;

/// <summary>The per-peer parameters the transitions depend on.</summary>
public sealed record FsmConfig(uint LocalAsn, uint PeerAsn, uint RouterId)
{
    /// <summary>Hold time we propose in OPEN (0 or ≥ 3 seconds).</summary>
    public ushort HoldTime { get; init; } = 90;

    public TimeSpan ConnectRetryTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Hold timer while waiting for the peer's OPEN (RFC 4271 §8.2.2 suggests 4 minutes).</summary>
    public TimeSpan OpenHoldTime { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Delay before an automatic restart after the session failed; zero disables automatic restart.</summary>
    public TimeSpan IdleHoldTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Keepalive interval wanted (Cilium's <c>keepAliveTimeSeconds</c>); null sends keepalives every third of the
    /// negotiated hold time. It never exceeds a third of the negotiated hold time.
    /// </summary>
    public TimeSpan? KeepaliveTime { get; init; }

    /// <summary>Passive: never initiate a connection, wait for the peer's.</summary>
    public bool Passive { get; init; }

    public ValueArray<BgpCapability> Capabilities { get; init; }

    /// <summary>The keepalive interval for a negotiated hold time: the configured one, at most a third of the hold time.</summary>
    public TimeSpan KeepaliveInterval(ushort negotiatedHoldTime)
    {
        var third = Negotiation.HoldTimeNegotiation.KeepaliveInterval(negotiatedHoldTime);
        return KeepaliveTime is { } wanted && wanted > TimeSpan.Zero && wanted < third ? wanted : third;
    }

    public OpenMessage CreateOpen() => OpenMessage.Create(LocalAsn, HoldTime, RouterId, Capabilities.ToArray());

    public OpenExpectations Expectations => new(LocalAsn, RouterId, PeerAsn);
}
