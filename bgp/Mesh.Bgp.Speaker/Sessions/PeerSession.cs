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
        FsmConfig = new FsmConfig(config.LocalAsn, config.RemoteAsn, RouterId)
        {
            HoldTime = config.HoldTime,
            KeepaliveTime = config.KeepaliveTime,
            ConnectRetryTime = config.ConnectRetryTime,
            IdleHoldTime = config.IdleHoldTime,
            Passive = config.Passive,
            Capabilities = Capabilities(config, restarting: config.GracefulRestart),
        };
        LocalOpen = FsmConfig.CreateOpen();
        Primary = new FsmInstance(this);
        AdjRibIn = new AdjRibIn(config.LocalAsn);
        RemoteAsn = config.RemoteAsn;
    }

    /// <summary>
    /// MP-BGP per family, route refresh, enhanced route refresh (RFC 7313), optional extended messages and graceful
    /// restart (RFC 4724). With <see cref="PeerConfig.GracefulRestart"/> the capability lists every family with its
    /// forwarding state kept and the N bit (RFC 8538); the Restart State bit is set until the first session after the
    /// speaker started is up. Without it, the capability has no families: we are a helper only (RFC 4724 §3).
    /// </summary>
    public static BgpCapability[] Capabilities(PeerConfig config, bool restarting)
    {
        ArgumentNullException.ThrowIfNull(config);
        var capabilities = new List<BgpCapability>(config.Families.Select(f => new MultiprotocolCapability(f)))
        {
            new RouteRefreshCapability(),
            new EnhancedRouteRefreshCapability(),
        };
        if (config.ExtendedMessages)
        {
            capabilities.Add(new ExtendedMessageCapability());
        }

        capabilities.Add(config.GracefulRestart
            ? new GracefulRestartCapability(restarting, NotificationSupport: true, (ushort)config.RestartTime.TotalSeconds,
                config.Families.Select(f => new GracefulRestartFamily(f, ForwardingPreserved: true)).ToArray())
            : new GracefulRestartCapability(false, NotificationSupport: false, (ushort)config.RestartTime.TotalSeconds, default));
        return [.. capabilities];
    }

    /// <summary>After the first session is up: OPENs no longer carry the Restart State bit.</summary>
    public void MarkRestartComplete()
    {
        if (!Config.GracefulRestart || RestartComplete)
        {
            return;
        }

        RestartComplete = true;
        FsmConfig = FsmConfig with { Capabilities = Capabilities(Config, restarting: false) };
        LocalOpen = FsmConfig.CreateOpen();
    }

    public bool RestartComplete { get; private set; }

    /// <summary>The peer's OPEN of the current (or last) session.</summary>
    public OpenMessage? RemoteOpen { get; set; }

    /// <summary>The NOTIFICATION sent or received on the current session, if any (graceful restart then needs the N bit on both sides).</summary>
    public NotificationMessage? Notification { get; set; }

    /// <summary>Runs while stale routes wait for the peer's restart (RFC 4724 restart timer) or its End-of-RIB.</summary>
    public ITimer? StaleTimer { get; set; }

    public int StaleTimerGeneration { get; set; }

    public PeerConfig Config { get; }

    public uint RouterId { get; }

    public FsmConfig FsmConfig { get; private set; }

    public OpenMessage LocalOpen { get; private set; }

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
