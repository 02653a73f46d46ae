using Mesh.ClusterMesh.Config;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Cilium.Validation;
using Mesh.KvStore.Cilium.Values;
using Mesh.KvStore.Store;
using Mesh.KvStore.Sync;
using Mesh.NodeAgent.Host.Metrics;
using Mesh.NodeAgent.Host.Policy;
using Mesh.NodeAgent.IpCache;
using Mesh.NodeAgent.LoadBalancing;
using Mesh.NodeAgent.Tables;
using Microsoft.Extensions.Logging;

namespace Mesh.NodeAgent.Host.Sources;

/// <summary>
/// One remote cluster (spec §3.2–§3.5): reads and validates its cluster config, waits for its sync canaries, then
/// follows its nodes, services and ipcache entries (from KVStoreMesh's cache when the config says
/// <c>cached: true</c>) into the input tables. Entries failing validation are refused with a reason and counted.
/// Each reconnect relists with mark-and-sweep; data is kept while disconnected unless the cache TTL expires, and
/// drained when the cluster is removed from the configuration. Its cluster ID is reserved before anything is followed:
/// while another remote holds the ID it is refused and retried with backoff; the runtime releases it after the drain.
/// </summary>
internal sealed partial class RemoteClusterWatcher
{
    private readonly string _name;
    private readonly Func<IKvStore> _connect;
    private readonly AgentWriters _writers;
    private readonly PropagationTracker _propagation;
    private readonly ClusterLimits _limits;
    private readonly uint _localClusterId;
    private readonly ClusterIdReservations _clusterIds;
    private readonly TimeSpan _cacheTtl;
    private readonly TimeSpan _healthInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly ILoggerFactory _loggers;
    private readonly Dictionary<string, IpCacheClaimKey[]> _nodeClaims = [];
    private WatchStore<IdentityLabels> _identities;
    private RemoteClusterValidator? _validator;
    private CiliumClusterConfig? _config;
    private bool _connected;
    private bool _drained;
    private int _failures;
    private DateTimeOffset? _lastFailure;
    private DateTimeOffset? _disconnectedSince;
    private string? _lastError;

    public RemoteClusterWatcher(
        string name,
        Func<IKvStore> connect,
        AgentWriters writers,
        PropagationTracker propagation,
        ClusterLimits limits,
        uint localClusterId,
        ClusterIdReservations clusterIds,
        TimeSpan cacheTtl,
        TimeSpan healthInterval,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        _healthInterval = healthInterval;
        _name = name;
        _connect = connect;
        _writers = writers;
        _propagation = propagation;
        _limits = limits;
        _localClusterId = localClusterId;
        _clusterIds = clusterIds;
        _cacheTtl = cacheTtl;
        _time = time;
        _logger = loggers.CreateLogger<RemoteClusterWatcher>();
        _loggers = loggers;
        // Followed on the remote's own prefixes until its config says they are cached by KVStoreMesh.
        Current = (NewNodes(cached: false, loggers), NewServices(cached: false, loggers), NewIps(cached: false, loggers));
        _identities = RemoteIdentityFeed.Create(name, cached: false, () => _validator, writers, loggers);
    }

    public string Name => _name;

    /// <summary>
    /// Takes over what <paramref name="previous"/> (the watcher this one replaces, for a changed config file of the
    /// same remote) knew: its entries, node claims and cluster config. The first relist then sweeps whatever the
    /// previous one learnt that is gone now, and a changed cluster ID still drains everything. Call before
    /// <see cref="RunAsync"/>, after the previous watcher stopped.
    /// </summary>
    public void Inherit(RemoteClusterWatcher previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        lock (previous._nodeClaims)
        {
            lock (_nodeClaims)
            {
                foreach (var (owner, claims) in previous._nodeClaims)
                {
                    _nodeClaims[owner] = claims;
                }
            }
        }
        CiliumClusterConfig? config;
        lock (previous._gate)
        {
            config = previous._config;
        }
        // On the prefixes the previous config was read from, so the relist compares like with like.
        FollowOn(config?.Capabilities.Cached ?? false, previous.Current, previous._identities);
        lock (_gate)
        {
            _config = config;
            _validator = config is null ? null : new RemoteClusterValidator(_name, config.Id, _limits);
        }
    }

    /// <summary>Completes when the first connection listed every kind.</summary>
    public Task Synced => _synced.Task;

    public RemoteClusterStatus Status
    {
        get
        {
            lock (_gate)
            {
                var nodes = Current.Nodes;
                var services = Current.Services;
                var ips = Current.Ips;
                return new RemoteClusterStatus(
                    _name,
                    _connected && nodes.IsSynced && services.IsSynced && ips.IsSynced,
                    _connected,
                    _config is not null,
                    _config?.Id ?? 0,
                    _config?.Capabilities.Cached ?? false,
                    nodes.IsSynced,
                    services.IsSynced,
                    ips.IsSynced,
                    nodes.Count,
                    services.Count,
                    ips.Count,
                    nodes.Rejected + services.Rejected + ips.Rejected,
                    _failures,
                    _lastFailure,
                    _lastError);
            }
        }
    }

    private (WatchStore<ClusterNode> Nodes, WatchStore<ClusterService> Services, WatchStore<IpIdentityPair> Ips) Current { get; set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        var ttlLoop = _cacheTtl > TimeSpan.Zero ? ExpireAsync(cancellationToken) : Task.CompletedTask;
        while (!cancellationToken.IsCancellationRequested)
        {
            string reason;
            try
            {
                await using var kv = _connect();
                var config = await RetrieveConfigAsync(kv, cancellationToken).ConfigureAwait(false);
                if (config is null)
                {
                    reason = _lastError ?? "cluster config unavailable";
                }
                else
                {
                    await WatchAsync(kv, config, cancellationToken).ConfigureAwait(false);
                    reason = "watch ended";
                    delay = TimeSpan.FromMilliseconds(200);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                reason = e.Message;
            }
            RecordFailure(reason);
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
        await ttlLoop.ConfigureAwait(false);
    }

    /// <summary>The cluster left the configuration: remove everything it contributed.</summary>
    public void Drain()
    {
        lock (_gate)
        {
            _drained = true;
        }
        DrainStores();
        LogDrained(_name);
    }

    private async Task<CiliumClusterConfig?> RetrieveConfigAsync(IKvStore kv, CancellationToken cancellationToken)
    {
        var entry = await kv.GetAsync(CiliumKeys.ClusterConfig(_name), cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            SetError($"no cluster config at {CiliumKeys.ClusterConfig(_name)} yet");
            return null;
        }
        if (RemoteClusterValidator.CheckClusterConfig(_name, entry.Value, _limits, _localClusterId, out var decoded) is { } rejection)
        {
            SetError(rejection.Detail);
            return null;
        }
        var config = decoded!;
        if (_clusterIds.Reserve(_name, config.Id) is { Reserved: false } refused)
        {
            // Merged next to the holder, its identities and endpoints would be taken for the holder's.
            SetError(refused.Refusal!);
            return null;
        }
        if (_config is { } previous && previous.Id != config.Id)
        {
            // Same name, new ID: nothing learnt under the old ID may stay (spec §3.5).
            DrainStores();
        }
        if (_config is null || _config.Capabilities.Cached != config.Capabilities.Cached)
        {
            // The data moves between the remote's own prefixes and KVStoreMesh's cache: follow it there, keeping
            // the known entries so the relist sweeps only what is really gone.
            FollowOn(config.Capabilities.Cached, Current, _identities);
        }
        lock (_gate)
        {
            _config = config;
            _validator = new RemoteClusterValidator(_name, config.Id, _limits);
        }
        return config;
    }

    private async Task WatchAsync(IKvStore kv, CiliumClusterConfig config, CancellationToken cancellationToken)
    {
        var (nodes, services, ips) = Current;
        if (config.Capabilities.SyncedCanaries)
        {
            foreach (var resource in new[] { CiliumResource.Nodes, CiliumResource.Services, CiliumResource.Ips })
            {
                var canary = CiliumKeys.SyncCanary(_name, CiliumKeys.CanarySuffix(resource, config.Capabilities.Cached));
                while (await kv.GetAsync(canary, cancellationToken).ConfigureAwait(false) is null)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        lock (_gate)
        {
            _connected = true;
            _disconnectedSince = null;
            _lastError = null;
            _drained = false;
        }
        LogConnected(_name, config.Id, config.Capabilities.Cached);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var identities = _identities;
        var watches = new[] { nodes.WatchAsync(kv, stop.Token), services.WatchAsync(kv, stop.Token), ips.WatchAsync(kv, stop.Token), identities.WatchAsync(kv, stop.Token) };
        _ = Task.WhenAll(nodes.Synced, services.Synced, ips.Synced, identities.Synced).ContinueWith(_ => _synced.TrySetResult(), TaskScheduler.Default);
        var first = await Task.WhenAny(watches.Append(CheckHealthAsync(kv, stop.Token))).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(watches).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        lock (_gate)
        {
            _connected = false;
            _disconnectedSince = _time.GetUtcNow();
        }
        await first.ConfigureAwait(false);
    }

    /// <summary>
    /// The watchdog of spec §3.2: a quiet watch does not prove the remote is reachable, so read its cluster config
    /// periodically and end the connection (reconnect, count a failure) when that fails.
    /// </summary>
    private async Task CheckHealthAsync(IKvStore kv, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(_healthInterval, _time, cancellationToken).ConfigureAwait(false);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_healthInterval * 2);
            await kv.GetAsync(CiliumKeys.ClusterConfig(_name), deadline.Token).ConfigureAwait(false);
        }
    }

    private async Task ExpireAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromTicks(Math.Max(_cacheTtl.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks)), _time, cancellationToken).ConfigureAwait(false);
                bool expired;
                lock (_gate)
                {
                    expired = !_drained && _disconnectedSince is { } since && _time.GetUtcNow() - since >= _cacheTtl;
                    if (expired)
                    {
                        _drained = true;
                    }
                }
                if (expired)
                {
                    // Revoked, not forgotten: the next connection's relist brings the entries back.
                    DrainStores();
                    LogExpired(_name, _cacheTtl);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void DrainStores()
    {
        Current.Nodes.Drain();
        Current.Services.Drain();
        Current.Ips.Drain();
        _identities.Drain();
    }

    /// <summary>New stores on the remote's own or KVStoreMesh's cached prefixes, seeded with what the given ones know.</summary>
    private void FollowOn(
        bool cached,
        (WatchStore<ClusterNode> Nodes, WatchStore<ClusterService> Services, WatchStore<IpIdentityPair> Ips) known,
        WatchStore<IdentityLabels> identities)
    {
        Current = (
            Carry(known.Nodes, NewNodes(cached, _loggers)),
            Carry(known.Services, NewServices(cached, _loggers)),
            Carry(known.Ips, NewIps(cached, _loggers)));
        _identities = Carry(identities, RemoteIdentityFeed.Create(_name, cached, () => _validator, _writers, _loggers));
    }

    private static WatchStore<T> Carry<T>(WatchStore<T> from, WatchStore<T> to)
        where T : class
    {
        to.Seed(from.Entries);
        return to;
    }

    private WatchStore<ClusterNode> NewNodes(bool cached, ILoggerFactory loggers) => new(
        CiliumKeys.SourcePrefix(CiliumResource.Nodes, _name, cached),
        (name, value) => Check(ClusterNodeCodec.TryDecode(value), node => _validator?.CheckNode($"{_name}/{name}", node)),
        NodeChanged,
        loggers.CreateLogger<WatchStore<ClusterNode>>());

    private WatchStore<ClusterService> NewServices(bool cached, ILoggerFactory loggers) => new(
        CiliumKeys.SourcePrefix(CiliumResource.Services, _name, cached),
        (name, value) => Check(ClusterServiceCodec.TryDecode(value), service => _validator?.CheckService(name, service)),
        ServiceChanged,
        loggers.CreateLogger<WatchStore<ClusterService>>());

    private WatchStore<IpIdentityPair> NewIps(bool cached, ILoggerFactory loggers) => new(
        CiliumKeys.SourcePrefix(CiliumResource.Ips, _name, cached),
        (name, value) => Check(IpIdentityPairCodec.TryDecode(value), pair => _validator?.CheckIpEntry(name, pair)),
        IpChanged,
        loggers.CreateLogger<WatchStore<IpIdentityPair>>());

    private static WatchStoreDecode<T> Check<T>(Mesh.KvStore.Cilium.Decoded<T> decoded, Func<T, Rejection?> validate)
        where T : class
    {
        if (!decoded.Ok)
        {
            return WatchStoreDecode<T>.Reject(decoded.Error);
        }
        return validate(decoded.Value) is { } rejection
            ? WatchStoreDecode<T>.Reject(rejection.ToString())
            : WatchStoreDecode<T>.Accept(decoded.Value);
    }

    private void NodeChanged(WatchStoreChange<ClusterNode> change)
    {
        if (change.Kind == WatchStoreChangeKind.Synced || change.Value is not { } node)
        {
            return;
        }
        var owner = IpCacheClaim.NodeOwner(_name, node.Name);
        IpCacheClaim[] claims = change.Kind == WatchStoreChangeKind.Delete
            ? []
            : [.. IpCacheConversion.FromNode(node, local: false, isThisNode: false).Select(e => new IpCacheClaim(owner, e))];
        IpCacheClaimKey[] previous;
        lock (_nodeClaims)
        {
            previous = _nodeClaims.GetValueOrDefault(owner) ?? [];
            if (claims.Length == 0)
            {
                _nodeClaims.Remove(owner);
            }
            else
            {
                _nodeClaims[owner] = [.. claims.Select(c => c.Key)];
            }
        }
        _writers.ReplaceClaims(previous, claims);
    }

    private void ServiceChanged(WatchStoreChange<ClusterService> change)
    {
        if (change.Kind == WatchStoreChangeKind.Synced || change.Value is not { } service)
        {
            return;
        }
        var name = new ServiceName(service.Namespace, service.Name);
        var key = new BackendSetKey(name, ServiceBackendSet.RemoteSource(_name));
        if (Current.Services.IsSynced)
        {
            // Live changes only: the initial list is measured as bootstrap, not as propagation.
            _propagation.Received(name);
        }
        var set = change.Kind == WatchStoreChangeKind.Delete ? null : ServiceConversion.FromRemote(service);
        _writers.BackendSets.Enqueue(tx =>
        {
            if (set is null)
            {
                tx.Delete(key);
            }
            else
            {
                tx.Insert(set);
            }
        });
    }

    private void IpChanged(WatchStoreChange<IpIdentityPair> change)
    {
        if (change.Kind == WatchStoreChangeKind.Synced || change.Value is not { } pair)
        {
            return;
        }
        var entry = IpCacheConversion.FromPair(pair, _config?.Id ?? 0, local: false, thisNode: null);
        if (entry is null)
        {
            return;
        }
        if (Current.Ips.IsSynced)
        {
            _propagation.Received(entry.Prefix);
        }
        var claim = new IpCacheClaim(IpCacheClaim.ClusterOwner(_name), entry);
        var deleted = change.Kind == WatchStoreChangeKind.Delete;
        _writers.IpCacheClaims.Enqueue(tx =>
        {
            if (deleted)
            {
                tx.Delete(claim.Key);
            }
            else
            {
                tx.Insert(claim);
            }
        });
    }

    private void SetError(string reason)
    {
        lock (_gate)
        {
            _lastError = reason;
        }
    }

    private void RecordFailure(string reason)
    {
        lock (_gate)
        {
            _failures++;
            _lastFailure = _time.GetUtcNow();
            _lastError = reason;
            _connected = false;
            _disconnectedSince ??= _time.GetUtcNow();
        }
        LogFailure(_name, reason);
    }

    [LoggerMessage(EventId = 6100, Level = LogLevel.Information, Message = "Remote cluster {Cluster} (ID {Id}, cached {Cached}) connected")]
    private partial void LogConnected(string cluster, uint id, bool cached);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Remote cluster {Cluster}: {Reason}")]
    private partial void LogFailure(string cluster, string reason);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Remote cluster {Cluster} drained")]
    private partial void LogDrained(string cluster);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Remote cluster {Cluster} unreachable for longer than the cache TTL {Ttl}: its entries are revoked until it reconnects")]
    private partial void LogExpired(string cluster, TimeSpan ttl);
}
