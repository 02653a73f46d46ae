using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Fsm;
using Mesh.Bgp.Fsm.Actions;
using Mesh.Bgp.Fsm.Events;
using Mesh.Bgp.Fsm.Negotiation;
using Mesh.Bgp.Fsm.Timers;
using Mesh.Bgp.Rib;
using Mesh.Bgp.Rib.In;
using Mesh.Bgp.Rib.Local;
using Mesh.Bgp.Rib.Out;
using Mesh.Bgp.Speaker.Configuration;
using Mesh.Bgp.Speaker.Sessions;
using Mesh.Bgp.Speaker.Status;
using Mesh.Bgp.Speaker.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Bgp.Speaker;

/// <summary>
/// A BGP-4 speaker over TCP. All session and RIB state is owned by one loop fed through a channel:
/// socket read loops, timers, connects and API calls post work into it, so the FSM (<see cref="BgpFsm"/>)
/// and the RIBs are never touched concurrently. Each connection has one read loop and one write loop.
/// Readers get an immutable <see cref="Peers"/> snapshot swapped after every loop step.
/// </summary>
public sealed partial class BgpSpeaker : IAsyncDisposable, IConnectionEvents
{
    private readonly SpeakerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Action> _work = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly List<IPEndPoint> _boundEndPoints = [];

    // Owned by the loop.
    private readonly Dictionary<IPAddress, PeerSession> _peers = [];
    private readonly HashSet<BgpConnection> _connections = [];
    private readonly LocRib _locRib = new();
    private bool _running;

    private Task _loop = Task.CompletedTask;
    private IReadOnlyList<PeerStatus> _snapshot = [];
    private readonly Lock _gate = new();
    private int _lifecycle; // 0 created, 1 started, 2 stopped; guarded by _gate

    public BgpSpeaker(SpeakerOptions options, TimeProvider? timeProvider = null, ILogger<BgpSpeaker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<BgpSpeaker>.Instance;
    }

    /// <summary>The peers as of the last loop step (immutable snapshot).</summary>
    public IReadOnlyList<PeerStatus> Peers => Volatile.Read(ref _snapshot);

    /// <summary>The endpoints actually listened on (useful with port 0).</summary>
    public IReadOnlyList<IPEndPoint> ListenEndPoints => _boundEndPoints;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_lifecycle != 0)
            {
                throw new InvalidOperationException("the speaker can be started once");
            }

            _lifecycle = 1;
            _loop = Task.Run(RunLoopAsync, CancellationToken.None);
        }

        foreach (var endPoint in _options.ListenEndPoints)
        {
            var listener = CreateSocket(endPoint.AddressFamily);
            _listeners.Add(listener);
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }

            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endPoint);
            listener.Listen(64);
            _boundEndPoints.Add((IPEndPoint)listener.LocalEndPoint!);
            _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(listener), CancellationToken.None));
        }

        LogStarted(_logger, _boundEndPoints);
        await InvokeAsync(() =>
        {
            _running = true;
            foreach (var peer in _peers.Values)
            {
                ApplyPassword(peer.Config, peer.Config.Password);
                Handle(peer.Primary, FsmEvent.ManualStart);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends Cease to every peer, closes all connections and listeners and ends the loop.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var wasRunning = _lifecycle == 1;
            _lifecycle = 2;
            if (!wasRunning)
            {
                _work.Writer.TryComplete();
                return;
            }
        }

        var closing = await InvokeAsync(() =>
        {
            _running = false;
            foreach (var peer in _peers.Values)
            {
                StopPeer(peer);
            }

            return _connections.Select(c => c.Completion).ToArray();
        }, cancellationToken).ConfigureAwait(false);

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(closing).WaitAsync(_options.CloseTimeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Write loops abort on their own close timeout; nothing else to wait for.
        }

        _work.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Adds a peer; when the speaker runs, the session starts at once. Throws on invalid config.</summary>
    public Task AddPeerAsync(PeerConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = config.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"peer {config.Address}: {string.Join("; ", errors)}", nameof(config));
        }

        return InvokeAsync(() =>
        {
            if (_peers.ContainsKey(config.Address))
            {
                throw new InvalidOperationException($"peer {config.Address} already exists");
            }

            var peer = new PeerSession(config);
            _peers.Add(config.Address, peer);
            if (_running)
            {
                ApplyPassword(config, config.Password);
                Handle(peer.Primary, FsmEvent.ManualStart);
            }
        }, cancellationToken);
    }

    /// <summary>Stops the session (Cease) and forgets the peer. Returns false when it was not configured.</summary>
    public Task<bool> RemovePeerAsync(IPAddress address, CancellationToken cancellationToken) =>
        InvokeAsync(() =>
        {
            if (!_peers.Remove(address, out var peer))
            {
                return false;
            }

            StopPeer(peer);
            if (peer.Config.Password is not null && _running)
            {
                ApplyPassword(peer.Config, null);
            }

            peer.Removed = true;
            peer.Primary.Retire();
            return true;
        }, cancellationToken);

    /// <summary>Originates <paramref name="prefixes"/> with <paramref name="attributes"/> and sends the packed UPDATEs to every Established peer.</summary>
    public Task AdvertiseAsync(IEnumerable<Prefix> prefixes, PathAttributes attributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        ArgumentNullException.ThrowIfNull(attributes);
        var changes = prefixes.Select(prefix => new RibChange(prefix, attributes)).ToArray();
        return InvokeAsync(() => Originate(changes), cancellationToken);
    }

    /// <summary>Originates routes with their own attributes in one step: the UPDATEs are packed per attribute set.</summary>
    public Task AdvertiseAsync(IReadOnlyList<KeyValuePair<Prefix, PathAttributes>> routes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var changes = new RibChange[routes.Count];
        for (var i = 0; i < changes.Length; i++)
        {
            changes[i] = new RibChange(routes[i].Key, routes[i].Value ?? throw new ArgumentException($"route {routes[i].Key} has no attributes", nameof(routes)));
        }

        return InvokeAsync(() => Originate(changes), cancellationToken);
    }

    public Task WithdrawAsync(IEnumerable<Prefix> prefixes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var changes = prefixes.Select(prefix => new RibChange(prefix, null)).ToArray();
        return InvokeAsync(() => Originate(changes), cancellationToken);
    }

    /// <summary>
    /// Replaces the routes only <paramref name="peer"/> gets (its configuration's advertisements); they win over
    /// speaker-wide routes of the same prefix. Only the difference is sent, packed; the session is never reset.
    /// Returns false for an unknown peer.
    /// </summary>
    public Task<bool> SetPeerRoutesAsync(IPAddress peer, IReadOnlyDictionary<Prefix, PathAttributes> routes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(routes);
        var copy = new Dictionary<Prefix, PathAttributes>(routes);
        return InvokeAsync(() =>
        {
            if (!_peers.TryGetValue(peer, out var session))
            {
                return false;
            }

            var old = session.OwnRoutes;
            session.OwnRoutes = copy;
            var changes = new List<RibChange>();
            foreach (var (prefix, _) in old)
            {
                if (!copy.ContainsKey(prefix))
                {
                    changes.Add(new RibChange(prefix, _locRib.Routes.GetValueOrDefault(prefix)));
                }
            }

            foreach (var (prefix, attributes) in copy)
            {
                if (!old.TryGetValue(prefix, out var before) || !before.Equals(attributes))
                {
                    changes.Add(new RibChange(prefix, attributes));
                }
            }

            SendChanges(session, changes);
            return true;
        }, cancellationToken);
    }

    /// <summary>The speaker-wide routes (originated for every peer), with their attributes before export.</summary>
    public Task<IReadOnlyDictionary<Prefix, PathAttributes>> LocalRoutesAsync(CancellationToken cancellationToken) =>
        InvokeAsync<IReadOnlyDictionary<Prefix, PathAttributes>>(() => new Dictionary<Prefix, PathAttributes>(_locRib.Routes), cancellationToken);

    /// <summary>The peer's Adj-RIB-In (empty for an unknown peer).</summary>
    public Task<IReadOnlyList<ReceivedRoute>> ReceivedRoutesAsync(IPAddress peer, CancellationToken cancellationToken) =>
        InvokeAsync<IReadOnlyList<ReceivedRoute>>(
            () => _peers.TryGetValue(peer, out var session) ? session.AdjRibIn.Routes.Values.ToArray() : [],
            cancellationToken);

    /// <summary>What the peer was sent, with the exported attributes (empty when not Established).</summary>
    public Task<IReadOnlyDictionary<Prefix, PathAttributes>> AdvertisedRoutesAsync(IPAddress peer, CancellationToken cancellationToken) =>
        InvokeAsync<IReadOnlyDictionary<Prefix, PathAttributes>>(
            () => _peers.TryGetValue(peer, out var session) && session.AdjRibOut is { } rib
                ? new Dictionary<Prefix, PathAttributes>(rib.Advertised)
                : new Dictionary<Prefix, PathAttributes>(),
            cancellationToken);

    // ------------------------------------------------------------------ loop

    private async Task RunLoopAsync()
    {
        await foreach (var work in _work.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                work();
            }
#pragma warning disable CA1031 // One failing step must not kill every session; it is a bug and logged as such.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogLoopFailed(_logger, ex);
            }

            PublishSnapshot();
        }
    }

    private bool Post(Action work) => _work.Writer.TryWrite(work);

    private Task<bool> InvokeAsync(Action work, CancellationToken cancellationToken) =>
        InvokeAsync(() =>
        {
            work();
            return true;
        }, cancellationToken);

    private Task<T> InvokeAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_lifecycle == 0)
            {
                // Before StartAsync there is no loop yet: configure (peers, routes) inline, one caller at a time.
                var result = work();
                PublishSnapshot();
                return Task.FromResult(result);
            }
        }

        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var posted = Post(() =>
        {
            try
            {
                var result = work();
                // Callers see their own change in Peers as soon as the call completes.
                PublishSnapshot();
                done.TrySetResult(result);
            }
#pragma warning disable CA1031 // Handed to the caller.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.TrySetException(ex);
            }
        });
        ObjectDisposedException.ThrowIf(!posted, this);

        return done.Task.WaitAsync(cancellationToken);
    }

    private void PublishSnapshot()
    {
        var peers = new PeerStatus[_peers.Count];
        var i = 0;
        foreach (var peer in _peers.Values)
        {
            var config = peer.Config;
            peers[i++] = new PeerStatus(config.Address, config.LocalAsn, peer.RemoteAsn, peer.Primary.State.State)
            {
                Families = FamilyCounts(peer),
                EstablishedAt = peer.EstablishedAt,
                NegotiatedHoldTime = peer.Primary.State.NegotiatedHoldTime,
                ReceivedRoutes = peer.AdjRibIn.Count,
                StaleRoutes = peer.StaleTimer is null ? 0 : peer.AdjRibIn.StaleCount,
                AdvertisedRoutes = peer.AdjRibOut?.Count ?? 0,
                UpdatesReceived = peer.UpdatesReceived,
                UpdatesSent = peer.UpdatesSent,
                LastError = peer.Primary.State.LastError ?? peer.LastError,
            };
        }

        Volatile.Write(ref _snapshot, peers);
    }

    private static FamilyRouteCount[] FamilyCounts(PeerSession peer)
    {
        var families = peer.AdjRibOut?.Families ?? peer.Config.Families;
        var counts = new FamilyRouteCount[families.Count];
        for (var i = 0; i < counts.Length; i++)
        {
            var afi = families[i].Afi;
            counts[i] = new FamilyRouteCount(families[i], peer.AdjRibIn.CountOf(afi), peer.AdjRibOut?.CountOf(afi) ?? 0);
        }

        return counts;
    }

    // ------------------------------------------------------------------ FSM driving (loop only)

    private void Handle(FsmInstance instance, FsmEvent fsmEvent)
    {
        if (instance.IsRetired)
        {
            return;
        }

        var peer = instance.Peer;
        var before = instance.State.State;
        var transition = BgpFsm.Handle(peer.FsmConfig, instance.State, fsmEvent);
        instance.State = transition.Next;
        if (before != transition.Next.State)
        {
            LogStateChanged(_logger, peer.Config.Address, before, transition.Next.State, fsmEvent.Type);
        }

        foreach (var action in transition.Actions)
        {
            Apply(instance, action);
        }

        if (instance == peer.Secondary)
        {
            if (transition.Next.State == SessionState.Idle)
            {
                peer.Secondary = null;
                instance.Retire();
            }
        }
        else if (instance == peer.Primary && peer.Secondary is { } secondary && !peer.Removed
            && transition.Next.State is SessionState.Idle or SessionState.Connect or SessionState.Active)
        {
            // The primary lost its connection (e.g. the peer closed it to resolve the collision on its side)
            // while the other connection of the collision is alive: that one becomes the session.
            CancelConnect(peer);
            instance.Retire();
            peer.Primary = secondary;
            peer.Secondary = null;
        }
    }

    private void Apply(FsmInstance instance, FsmAction action)
    {
        var peer = instance.Peer;
        var primary = instance == peer.Primary;
        switch (action)
        {
            case SendMessage send:
                if (instance.Connection is { } connection)
                {
                    connection.Send(send.Message);
                    if (send.Message is NotificationMessage notification)
                    {
                        peer.Notification = notification;
                        LogNotificationSent(_logger, peer.Config.Address, notification);
                    }
                }

                break;
            case StartTimer start when primary || start.Timer != FsmTimer.IdleHold:
                if (_running)
                {
                    instance.StartTimer(start.Timer, start.Duration, _time, OnTimer);
                }

                break;
            case StopTimer stop:
                instance.StopTimer(stop.Timer);
                break;
            case InitiateConnection when primary && _running:
                StartConnect(peer);
                break;
            case DropConnection:
                instance.Unbind();
                if (primary)
                {
                    CancelConnect(peer);
                }

                break;
            case DeliverUpdate deliver:
                peer.AdjRibIn.Apply(deliver.Update, _time.GetUtcNow());
                peer.UpdatesReceived++;
                if (peer.StaleTimer is not null && deliver.Update.IsEndOfRib(out var endOfRib))
                {
                    // RFC 4724 §4.2: End-of-RIB ends the family's restart; what is still stale is gone.
                    var removed = peer.AdjRibIn.RemoveStale(endOfRib.Afi);
                    LogStaleRemoved(_logger, peer.Config.Address, removed, "End-of-RIB");
                    StopStaleTimerIfDone(peer);
                }

                break;
            case RefreshMarker marker when marker.Begin:
                peer.AdjRibIn.MarkStale(marker.Family.Afi);
                break;
            case RefreshMarker marker:
            {
                var removed = peer.AdjRibIn.RemoveStale(marker.Family.Afi);
                LogStaleRemoved(_logger, peer.Config.Address, removed, "End-of-Route-Refresh");
                break;
            }
            case SessionUp up:
                OnSessionUp(instance, up);
                break;
            case RefreshRoutes refresh when peer.AdjRibOut is { } rib && instance.Connection is { } refreshed:
            {
                // RFC 7313 §4 brackets the answer with BoRR and EoRR. FRR 8.4 stops sending UPDATEs to a peer after
                // such an answer (its later withdrawals never arrive), so the answer goes out unbracketed, as plain
                // RFC 2918 re-advertisement; BoRR/EoRR received from peers are still honoured.
                const bool BracketRefreshAnswers = false;
                var enhanced = BracketRefreshAnswers && peer.RemoteOpen?.Find<EnhancedRouteRefreshCapability>() is not null;
                if (enhanced)
                {
                    refreshed.Send(new RouteRefreshMessage(refresh.Family, RouteRefreshSubtype.BeginningOfRouteRefresh));
                }

                var writer = new ArrayBufferWriter<byte>();
                var updates = rib.WriteRefresh(refresh.Family, writer);
                refreshed.Send(writer.WrittenMemory);
                if (enhanced)
                {
                    refreshed.Send(new RouteRefreshMessage(refresh.Family, RouteRefreshSubtype.EndOfRouteRefresh));
                }

                peer.UpdatesSent += updates;
                break;
            }
            case SessionDown down:
                RetainOrClear(peer);
                peer.AdjRibOut = null;
                peer.EstablishedAt = null;
                peer.LastError = down.Reason;
                LogSessionDown(_logger, peer.Config.Address, down.Reason);
                break;
        }
    }

    /// <summary>
    /// Helper side of graceful restart (RFC 4724 §4.2, RFC 8538): when the peer's last OPEN listed families in its
    /// graceful restart capability, and the session did not end with a NOTIFICATION (or both sides set the N bit and it
    /// was not a Hard Reset), its routes of those families are kept as stale for its restart time; otherwise forgotten.
    /// </summary>
    private void RetainOrClear(PeerSession peer)
    {
        var gr = peer.RemoteOpen?.Find<GracefulRestartCapability>();
        var notification = peer.Notification;
        var hardReset = notification is { Code: BgpErrorCode.Cease, Subcode: (byte)CeaseSubcode.HardReset };
        var graceful = gr is { Families.Count: > 0, RestartTimeSeconds: > 0 } && !peer.Removed && _running && !hardReset
            && (notification is null || (gr.NotificationSupport && peer.Config.GracefulRestart));
        if (!graceful)
        {
            peer.AdjRibIn.Clear();
            CancelStaleTimer(peer);
            return;
        }

        foreach (var afi in (ReadOnlySpan<Afi>)[Afi.IPv4, Afi.IPv6])
        {
            if (!gr!.Families.Any(f => f.Family.Afi == afi))
            {
                peer.AdjRibIn.RemoveFamily(afi);
            }
        }

        var stale = peer.AdjRibIn.MarkStale();
        LogHelperRetains(_logger, peer.Config.Address, stale, gr!.RestartTimeSeconds);
        StartStaleTimer(peer, TimeSpan.FromSeconds(gr.RestartTimeSeconds));
    }

    private void StartStaleTimer(PeerSession peer, TimeSpan due)
    {
        CancelStaleTimer(peer);
        var generation = ++peer.StaleTimerGeneration;
        peer.StaleTimer = _time.CreateTimer(_ => Post(() =>
        {
            if (peer.StaleTimerGeneration == generation && peer.StaleTimer is not null)
            {
                var removed = peer.AdjRibIn.RemoveStale();
                LogStaleRemoved(_logger, peer.Config.Address, removed, "restart timer expired");
                CancelStaleTimer(peer);
            }
        }), null, due, Timeout.InfiniteTimeSpan);
    }

    private static void CancelStaleTimer(PeerSession peer)
    {
        peer.StaleTimerGeneration++;
        peer.StaleTimer?.Dispose();
        peer.StaleTimer = null;
    }

    private static void StopStaleTimerIfDone(PeerSession peer)
    {
        if (peer.AdjRibIn.StaleCount == 0)
        {
            CancelStaleTimer(peer);
        }
    }

    private void OnSessionUp(FsmInstance instance, SessionUp up)
    {
        var peer = instance.Peer;
        var connection = instance.Connection!;
        peer.RemoteOpen = up.RemoteOpen;
        peer.Notification = null;
        peer.MarkRestartComplete();
        if (peer.StaleTimer is not null)
        {
            // The peer is back: families it no longer preserves lose their stale routes now; the others wait for End-of-RIB.
            var gr = up.RemoteOpen.Find<GracefulRestartCapability>();
            foreach (var afi in (ReadOnlySpan<Afi>)[Afi.IPv4, Afi.IPv6])
            {
                if (gr is null || !gr.Families.Any(f => f.Family.Afi == afi && f.ForwardingPreserved))
                {
                    peer.AdjRibIn.RemoveStale(afi);
                }
            }

            if (peer.AdjRibIn.StaleCount == 0)
            {
                CancelStaleTimer(peer);
            }
            else
            {
                StartStaleTimer(peer, TimeSpan.FromSeconds(gr?.RestartTimeSeconds is > 0 and var seconds ? seconds : 120));
            }
        }

        connection.SendContext = up.Context;
        peer.EstablishedAt = _time.GetUtcNow();
        peer.LastError = null;
        var local = connection.LocalEndPoint.Address;
        var ipv4 = local.AddressFamily == AddressFamily.InterNetwork ? local : null;
        var ipv6 = local.AddressFamily == AddressFamily.InterNetworkV6 && !local.IsIPv6LinkLocal ? local : null;
        var config = peer.Config;
        peer.RemoteAsn = up.RemoteOpen.Asn;
        var policy = new ExportPolicy(config.LocalAsn, External: config.LocalAsn != peer.RemoteAsn, ipv4, ipv6, config.LinkLocalNextHop);
        var families = config.Families.Where(up.RemoteOpen.Supports).ToArray();
        var rib = new AdjRibOut(policy, up.Context, families);
        peer.AdjRibOut = rib;
        var writer = new ArrayBufferWriter<byte>();
        var updates = rib.WriteInitial(EffectiveRoutes(peer), writer);
        connection.Send(writer.WrittenMemory);
        peer.UpdatesSent += updates;
        LogEstablished(_logger, config.Address, up.HoldTime, rib.Families, rib.Count, updates);
    }

    /// <summary>The peer's own routes over the speaker-wide ones.</summary>
    private IReadOnlyDictionary<Prefix, PathAttributes> EffectiveRoutes(PeerSession peer)
    {
        if (peer.OwnRoutes.Count == 0)
        {
            return _locRib.Routes;
        }

        var merged = new Dictionary<Prefix, PathAttributes>(_locRib.Routes);
        foreach (var (prefix, attributes) in peer.OwnRoutes)
        {
            merged[prefix] = attributes;
        }

        return merged;
    }

    /// <summary>
    /// Local routes set or withdrawn: the UPDATEs leave before the local table is brought up to date. Each peer's
    /// Adj-RIB-Out already skips what it advertised unchanged and what it never had, so a batch of thousands is on
    /// the wire one table pass sooner.
    /// </summary>
    private void Originate(RibChange[] changes)
    {
        Propagate(changes);
        _locRib.Apply(changes);
    }

    private void Propagate(RibChange[] changes)
    {
        if (changes.Length == 0)
        {
            return;
        }

        foreach (var peer in _peers.Values)
        {
            if (peer.OwnRoutes.Count == 0)
            {
                SendChanges(peer, changes);
                continue;
            }

            // The peer's own routes shadow speaker-wide changes of the same prefix.
            var visible = new List<RibChange>(changes.Length);
            foreach (var change in changes)
            {
                if (!peer.OwnRoutes.ContainsKey(change.Prefix))
                {
                    visible.Add(change);
                }
            }

            SendChanges(peer, visible);
        }
    }

    private static void SendChanges(PeerSession peer, IReadOnlyList<RibChange> changes)
    {
        if (changes.Count == 0 || peer.AdjRibOut is not { } rib || peer.Primary.Connection is not { } connection)
        {
            return;
        }

        var writer = new ArrayBufferWriter<byte>();
        var updates = rib.WriteChanges(changes, writer);
        if (updates > 0)
        {
            connection.Send(writer.WrittenMemory);
            peer.UpdatesSent += updates;
        }
    }

    private void StopPeer(PeerSession peer)
    {
        if (peer.Secondary is { } secondary)
        {
            Handle(secondary, FsmEvent.ManualStop);
            secondary.Retire();
            peer.Secondary = null;
        }

        Handle(peer.Primary, FsmEvent.ManualStop);
        CancelConnect(peer);
    }

    private void OnTimer(FsmInstance instance, FsmTimer timer, int generation) =>
        Post(() =>
        {
            if (instance.IsCurrent(timer, generation))
            {
                Handle(instance, FsmEvent.TimerExpired(timer));
            }
        });

    // ------------------------------------------------------------------ connections

    private Socket CreateSocket(AddressFamily family) =>
        _options.SocketFactory?.Invoke(family) ?? new Socket(family, SocketType.Stream, ProtocolType.Tcp);

    private void StartConnect(PeerSession peer)
    {
        CancelConnect(peer);
        var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var id = ++peer.ConnectAttemptId;
        peer.ConnectAttempt = attempt;
        _ = ConnectAsync(peer, id, attempt.Token);
    }

    private static void CancelConnect(PeerSession peer)
    {
        peer.ConnectAttemptId++;
        if (peer.ConnectAttempt is { } attempt)
        {
            attempt.Cancel();
            attempt.Dispose();
            peer.ConnectAttempt = null;
        }
    }

    private async Task ConnectAsync(PeerSession peer, int id, CancellationToken cancellationToken)
    {
        var config = peer.Config;
        Socket? socket = null;
        try
        {
            var remote = new IPEndPoint(config.Address, config.Port);
            socket = CreateSocket(remote.AddressFamily);
            ApplyTtl(socket, config);
            if (config.Password is { } password)
            {
                TcpMd5.Apply(socket, config.Address, password);
            }

            if (config.LocalAddress is { } local)
            {
                socket.Bind(new IPEndPoint(local, 0));
            }

            await socket.ConnectAsync(remote, cancellationToken).ConfigureAwait(false);
            var connected = socket;
            if (!Post(() => OnConnected(peer, id, connected)))
            {
                connected.Dispose();
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            socket?.Dispose();
            if (!cancellationToken.IsCancellationRequested)
            {
                Post(() => OnConnectFailed(peer, id, ex));
            }
        }
    }

    private void OnConnected(PeerSession peer, int id, Socket socket)
    {
        if (peer.Removed || id != peer.ConnectAttemptId || peer.Primary.State.State != SessionState.Connect || peer.Primary.Connection is not null)
        {
            socket.Dispose();
            return;
        }

        peer.ConnectAttempt?.Dispose();
        peer.ConnectAttempt = null;
        Attach(peer.Primary, socket, outbound: true);
    }

    private void OnConnectFailed(PeerSession peer, int id, Exception error)
    {
        if (peer.Removed || id != peer.ConnectAttemptId || peer.Primary.State.State != SessionState.Connect)
        {
            return;
        }

        peer.ConnectAttempt?.Dispose();
        peer.ConnectAttempt = null;
        LogConnectFailed(_logger, peer.Config.Address, peer.Config.Port, error.Message);
        Handle(peer.Primary, FsmEvent.TcpConnectionFails);
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            if (!Post(() => OnInbound(socket)))
            {
                socket.Dispose();
            }
        }
    }

    private void OnInbound(Socket socket)
    {
        var remote = BgpConnection.Normalize((IPEndPoint)socket.RemoteEndPoint!).Address;
        if (!_running || !_peers.TryGetValue(remote, out var peer))
        {
            LogInboundUnknown(_logger, remote);
            socket.Dispose();
            return;
        }

        var primary = peer.Primary;
        switch (primary.State.State)
        {
            case SessionState.Connect or SessionState.Active:
                // Our own connect attempt (if any) is abandoned in favour of the peer's connection.
                CancelConnect(peer);
                Attach(primary, socket, outbound: false);
                break;
            case SessionState.OpenSent or SessionState.OpenConfirm when peer.Secondary is null:
                // Collision (RFC 4271 §6.8): run the FSM on both until the first OPEN tells whose connection stays.
                var secondary = new FsmInstance(peer) { State = new FsmState(SessionState.Active) };
                peer.Secondary = secondary;
                Attach(secondary, socket, outbound: false);
                break;
            default:
                LogInboundRejected(_logger, remote, primary.State.State);
                socket.Dispose();
                break;
        }
    }

    /// <summary>Binds the peer's MD5 key on every listener, so its inbound connections are signed too.</summary>
    private void ApplyPassword(PeerConfig config, string? password)
    {
        if (config.Password is null)
        {
            return;
        }

        foreach (var listener in _listeners)
        {
            if (listener.AddressFamily == AddressFamily.InterNetworkV6 || config.Address.AddressFamily == AddressFamily.InterNetwork)
            {
                TcpMd5.Apply(listener, config.Address, password);
            }
        }
    }

    private static void ApplyTtl(Socket socket, PeerConfig config)
    {
        if (config.LocalAsn != config.RemoteAsn)
        {
            // IP_TTL, or IPV6_UNICAST_HOPS on an IPv6 socket.
            socket.Ttl = (short)config.EbgpMultihop;
        }
    }

    private void Attach(FsmInstance instance, Socket socket, bool outbound)
    {
        if (!outbound)
        {
            ApplyTtl(socket, instance.Peer.Config);
        }

        var connection = new BgpConnection(socket, outbound, instance.Peer.LocalOpen, this, _options.CloseTimeout);
        _connections.Add(connection);
        instance.Bind(connection);
        connection.Start();
        Handle(instance, FsmEvent.TcpConnectionConfirmed);
    }

    /// <summary>Resolves a collision when <paramref name="instance"/> received an OPEN; true when this instance lost.</summary>
    private bool ResolveCollision(FsmInstance instance, OpenMessage open)
    {
        var peer = instance.Peer;
        var other = instance == peer.Primary ? peer.Secondary : peer.Primary;
        if (other?.Connection is null || other.State.State is not (SessionState.OpenSent or SessionState.OpenConfirm or SessionState.Established))
        {
            return false;
        }

        var closeThis = other.State.State == SessionState.Established
            || CollisionDetection.ShouldClose(instance.Connection!.Outbound, peer.RouterId, open.BgpIdentifier);
        var loser = closeThis ? instance : other;
        var winner = closeThis ? other : instance;
        LogCollision(_logger, peer.Config.Address, winner.Connection!.Outbound ? "ours" : "theirs");
        Handle(loser, FsmEvent.OpenCollisionDump);
        if (loser == peer.Primary)
        {
            loser.Retire();
            peer.Primary = winner;
            peer.Secondary = null;
        }

        return closeThis;
    }

    private static FsmInstance? Owner(BgpConnection connection) =>
        connection.Owner is FsmInstance instance && !instance.IsRetired && instance.Connection == connection ? instance : null;

    void IConnectionEvents.OnMessage(BgpConnection connection, BgpMessage message, BgpDecodeError? error) =>
        Post(() =>
        {
            if (Owner(connection) is not { } instance)
            {
                return;
            }

            var address = instance.Peer.Config.Address;
            switch (message)
            {
                case OpenMessage open when ResolveCollision(instance, open):
                    return;
                case NotificationMessage notification:
                    instance.Peer.Notification = notification;
                    LogNotificationReceived(_logger, address, notification);
                    break;
            }

            if (error is not null)
            {
                LogUpdateError(_logger, address, error);
            }

            Handle(instance, FsmEvent.Received(message, error));
        });

    void IConnectionEvents.OnDecodeError(BgpConnection connection, BgpDecodeError error) =>
        Post(() =>
        {
            if (Owner(connection) is { } instance)
            {
                LogDecodeError(_logger, instance.Peer.Config.Address, error);
                Handle(instance, FsmEvent.DecodeFailed(error));
            }
        });

    void IConnectionEvents.OnClosed(BgpConnection connection, Exception? error) =>
        Post(() =>
        {
            _connections.Remove(connection);
            if (Owner(connection) is { } instance)
            {
                Handle(instance, FsmEvent.TcpConnectionFails);
            }
        });
}
