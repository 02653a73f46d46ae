using Mesh.Bgp.Config.Plan;
using Mesh.Bgp.Speaker.Configuration;

namespace Mesh.Bgp.Agent.Reconciliation;

/// <summary>A planned peer as the speaker's <see cref="PeerConfig"/>.</summary>
public static class PeerConfigMapper
{
    public static PeerConfig ToPeerConfig(DesiredPeer peer, TimeSpan idleHoldTime, bool extendedMessages)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return new PeerConfig(peer.Address, peer.PeerAsn, peer.LocalAsn, peer.RouterId)
        {
            Port = peer.Port,
            LocalAddress = peer.LocalAddress,
            HoldTime = peer.HoldTimeSeconds,
            KeepaliveTime = TimeSpan.FromSeconds(peer.KeepaliveTimeSeconds),
            ConnectRetryTime = TimeSpan.FromSeconds(peer.ConnectRetryTimeSeconds),
            IdleHoldTime = idleHoldTime,
            Password = peer.Password,
            EbgpMultihop = peer.EbgpMultihop,
            Families = peer.Families.ToArray(),
            ExtendedMessages = extendedMessages,
            GracefulRestart = peer.GracefulRestart,
            RestartTime = TimeSpan.FromSeconds(peer.RestartTimeSeconds),
        };
    }
}
