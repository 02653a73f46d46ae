using System.Net;
using Mesh.Bgp.Codec;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Config.Plan;

/// <summary>
/// The session parameters of one peer, with value equality: when two plans give equal peers the session is kept,
/// whatever else changed (advertisements, other peers). <see cref="PeerAsn"/> 0 accepts the AS of the peer's OPEN.
/// </summary>
public sealed record DesiredPeer(string Instance, string Name, IPAddress Address, uint LocalAsn, uint PeerAsn, IPAddress RouterId)
{
    public int Port { get; init; } = 179;

    public IPAddress? LocalAddress { get; init; }

    public ushort HoldTimeSeconds { get; init; } = 90;

    public ushort KeepaliveTimeSeconds { get; init; } = 30;

    public int ConnectRetryTimeSeconds { get; init; } = 120;

    public string? Password { get; init; }

    public int EbgpMultihop { get; init; } = 1;

    public bool GracefulRestart { get; init; }

    public ushort RestartTimeSeconds { get; init; } = 120;

    public ValueArray<AfiSafi> Families { get; init; } = new[] { AfiSafi.IPv6Unicast, AfiSafi.IPv4Unicast };

    /// <summary>"instance/peer", stable across plans.</summary>
    public string Key => $"{Instance}/{Name}";

    // The password is never printed.
    public override string ToString() =>
        $"{Key} {Address}:{Port} AS {LocalAsn}->{(PeerAsn == 0 ? "any" : PeerAsn)} router-id {RouterId} hold {HoldTimeSeconds}/{KeepaliveTimeSeconds} " +
        $"retry {ConnectRetryTimeSeconds} multihop {EbgpMultihop} md5 {(Password is null ? "off" : "on")} gr {(GracefulRestart ? RestartTimeSeconds : 0)} families {Families}";
}
