using System.Buffers.Binary;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Fsm;
using Mesh.Bgp.Rib.In;
using Mesh.Bgp.Rib.Out;
using Mesh.Bgp.Speaker.Configuration;

namespace Mesh.Bgp.Speaker.Sessions;

/// <summary>Everything the speaker loop keeps about one configured peer. Owned by the speaker loop.</summary>
internal sealed class PeerSession
{
    public PeerSession(PeerConfig config)
    {
        Config = config;
        RouterId = BinaryPrimitives.ReadUInt32BigEndian(config.RouterId.GetAddressBytes());
        var capabilities = new List<BgpCapability>(config.Families.Select(f => new MultiprotocolCapability(f))) { new RouteRefreshCapability() };
        if (config.ExtendedMessages)
        {
            capabilities.Add(new ExtendedMessageCapability());
        }

        FsmConfig = new FsmConfig(config.LocalAsn, config.RemoteAsn, RouterId)
        {
            HoldTime = config.HoldTime,
            KeepaliveTime = config.KeepaliveTime,
            ConnectRetryTime = config.ConnectRetryTime,
            IdleHoldTime = config.IdleHoldTime,
            Passive = config.Passive,
            Capabilities = capabilities.ToArray(),
        };
        LocalOpen = FsmConfig.CreateOpen();
        Primary = new FsmInstance(this);
        AdjRibIn = new AdjRibIn(config.LocalAsn);
        RemoteAsn = config.RemoteAsn;
    }

    public PeerConfig Config { get; }

    public uint RouterId { get; }

    public FsmConfig FsmConfig { get; }

    public OpenMessage LocalOpen { get; }

    public FsmInstance Primary { get; set; }

    public FsmInstance? Secondary { get; set; }

    public AdjRibIn AdjRibIn { get; }

    /// <summary>Routes for this peer only (from its configuration); they win over the speaker-wide routes of the same prefix.</summary>
    public Dictionary<Prefix, PathAttributes> OwnRoutes { get; set; } = [];

    /// <summary>The peer's AS as of its last OPEN (the configured one until then).</summary>
    public uint RemoteAsn { get; set; }

    /// <summary>Present while the session is Established.</summary>
    public AdjRibOut? AdjRibOut { get; set; }

    public DateTimeOffset? EstablishedAt { get; set; }

    public long UpdatesReceived { get; set; }

    public long UpdatesSent { get; set; }

    public string? LastError { get; set; }

    public bool Removed { get; set; }

    /// <summary>The pending outbound connect, cancelled when another connection wins or the FSM drops it.</summary>
    public CancellationTokenSource? ConnectAttempt { get; set; }

    public int ConnectAttemptId { get; set; }
}
