using Mesh.ClusterMesh.Apiserver.KvStoreMesh.Ownership;
using Mesh.ClusterMesh.Config;
using Mesh.KvStore.Backend;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Cilium.Validation;
using Mesh.KvStore.Cilium.Values;
using Mesh.KvStore.Store;
using Mesh.KvStore.Sync;
using Microsoft.Extensions.Logging;

namespace Mesh.ClusterMesh.Apiserver.KvStoreMesh;

/// <summary>
/// KVStoreMesh for one remote cluster (spec §1.6, §2.4): reads and validates the remote's cluster config, then for
/// each of the five kinds waits for the remote's canary, mirrors the remote prefix into the local
/// <c>cilium/cache/&lt;type&gt;/v1/&lt;remote&gt;</c> with leases, and writes the cache canary once listed. The local
/// <c>cilium/cluster-config/&lt;remote&gt;</c> says <c>cached: true</c> so agents read the cache.
/// One instance lives for one ownership term: the caches (<see cref="RunCachesAsync"/>) persist across connections
/// (<see cref="ConnectAsync"/>), so a reconnect deletes only what vanished meanwhile (mark and sweep); the first
/// sync of a term also deletes cache keys no longer in the remote that an earlier owner left behind. Every local
/// write carries the term's fence. With <see cref="ClusterIdReservations"/> given, a remote whose cluster ID another
/// remote holds is refused (retried with backoff) before anything of it is written; whoever ends the term releases it.
/// </summary>
public sealed partial class RemoteClusterReflector : IAsyncDisposable
{
    private static readonly CiliumResource[] Resources =
        [CiliumResource.Nodes, CiliumResource.Services, CiliumResource.ServiceExports, CiliumResource.Ips, CiliumResource.Identities];

    private readonly string _name;
    private readonly IKvStore _local;
    private readonly IReadOnlyList<TxnCompare> _fence;
    private readonly ClusterIdReservations? _reservations;
    private readonly IRemoteOwnership? _claims;
    private readonly IKvStore? _remote;
    private readonly ClusterLimits _limits;
    private readonly uint _localClusterId;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Dictionary<CiliumResource, SyncStore> _caches = [];
    private readonly Dictionary<CiliumResource, WatchStore<byte[]>> _mirrors = [];
    private readonly Lock _gate = new();
    private readonly HashSet<CiliumResource> _swept = [];
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CiliumClusterConfig? _config;
    private int _failures;
    private DateTimeOffset? _lastFailure;
    private string? _lastError;

    /// <summary>A single replica reflecting one fixed remote connection (in-process meshes such as the demo).</summary>
    public RemoteClusterReflector(string name, IKvStore remote, IKvStore local, ClusterLimits limits, uint localClusterId, TimeProvider time, ILoggerFactory loggers)
        : this(name, local, limits, localClusterId, time, loggers)
    {
        _remote = remote ?? throw new ArgumentNullException(nameof(remote));
    }

    // fence: compares added to every local write (the owner key of this term); empty for a single replica.
    // reservations: the cluster IDs of the other remotes; null checks no uniqueness (a single fixed remote).
    // claims: the same across replicas (each reflects only some remotes); null when this process sees them all.
    public RemoteClusterReflector(
        string name,
        IKvStore local,
        ClusterLimits limits,
        uint localClusterId,
        TimeProvider time,
        ILoggerFactory loggers,
        IReadOnlyList<TxnCompare>? fence = null,
        SyncStoreMetrics? metrics = null,
        ClusterIdReservations? reservations = null,
        IRemoteOwnership? claims = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _name = name;
        _local = local ?? throw new ArgumentNullException(nameof(local));
        _fence = fence ?? [];
        _reservations = reservations;
        _claims = claims;
        _limits = limits ?? throw new ArgumentNullException(nameof(limits));
        _localClusterId = localClusterId;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _loggers = loggers ?? throw new ArgumentNullException(nameof(loggers));
        _logger = loggers.CreateLogger<RemoteClusterReflector>();
        foreach (var resource in Resources)
        {
            var cache = new SyncStore(
                local,
                new SyncStoreOptions
                {
                    Prefix = CiliumKeys.CachePrefixFor(resource, name),
                    SourceCluster = name,
                    CanaryKey = CiliumKeys.SyncCanary(name, CiliumKeys.CanarySuffix(resource, cached: true)),
                    Scope = $"cache/{resource.ToString().ToLowerInvariant()}",
                    Guards = _fence,
                },
                time,
                loggers.CreateLogger<SyncStore>(),
                metrics);
            _caches[resource] = cache;
            _mirrors[resource] = new WatchStore<byte[]>(
                CiliumKeys.SourcePrefix(resource, name, cached: false),
                (_, value) => WatchStoreDecode<byte[]>.Accept(value.ToArray()),
                change => Mirror(resource, cache, change),
                loggers.CreateLogger<WatchStore<byte[]>>());
        }
    }

    public string Name => _name;

    public RemoteClusterStatus Status
    {
        get
        {
            lock (_gate)
            {
                var synced = Resources.ToDictionary(r => r, r => _caches[r].IsSynced);
                return new RemoteClusterStatus(
                    _name,
                    _config is not null && synced.Values.All(s => s),
                    _config is not null && _lastError is null,
                    _config is not null,
                    _config?.Id ?? 0,
                    synced,
                    Resources.ToDictionary(r => r, r => _mirrors[r].Count),
                    _failures,
                    _lastFailure,
                    _lastError);
            }
        }
    }

    /// <summary>Completes when a connection first retrieved a valid cluster config (and wrote the cached one).</summary>
    public Task ConnectedTask => _connected.Task;

    /// <summary>Completes when every kind of the remote is mirrored and its cache canary written.</summary>
    public Task ReadyTask => Task.WhenAll(_caches.Values.Select(c => c.SyncedTask));

    /// <summary>Runs the cache writers until cancelled (the whole term).</summary>
    public Task RunCachesAsync(CancellationToken cancellationToken) => Task.WhenAll(_caches.Values.Select(c => c.RunAsync(cancellationToken)));

    /// <summary>One connection to the remote: config, then the five mirrors, until cancelled.</summary>
    public async Task ConnectAsync(IKvStore remote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remote);
        lock (_gate)
        {
            _config = null;
        }
        var config = await RetrieveConfigAsync(remote, cancellationToken);
        if (config is null)
        {
            return;
        }
        var cached = config with { Capabilities = new ClusterCapabilities
        {
            SyncedCanaries = true,
            Cached = true,
            MaxConnectedClusters = config.Capabilities.MaxConnectedClusters,
            ServiceExportsEnabled = config.Capabilities.ServiceExportsEnabled,
        } };
        await WriteAsync([new KvWrite(CiliumKeys.ClusterConfig(_name), CiliumClusterConfigCodec.Encode(cached))], withLease: true, cancellationToken);
        lock (_gate)
        {
            _config = config;
        }
        LogConnected(_name, config.Id);
        _connected.TrySetResult();
        await Task.WhenAll(Resources.Select(r => ReflectAsync(remote, r, config, cancellationToken)));
    }

    /// <summary>Caches and the connection given to the constructor, until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        RunAsync(_remote ?? throw new InvalidOperationException("this reflector was created without a remote connection"), cancellationToken);

    /// <summary>Caches and one connection together, until cancelled.</summary>
    public Task RunAsync(IKvStore remote, CancellationToken cancellationToken) =>
        Task.WhenAll(RunCachesAsync(cancellationToken), ConnectAsync(remote, cancellationToken));

    /// <summary>
    /// The remote was removed from the configuration: delete its config first (agents stop using it), then its
    /// canaries and every cached prefix.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        await WriteAsync([new KvWrite(CiliumKeys.ClusterConfig(_name), null)], withLease: false, cancellationToken);
        await DeletePrefixAsync(CiliumKeys.SyncCanaries(_name), cancellationToken);
        foreach (var resource in Resources)
        {
            await DeletePrefixAsync(CiliumKeys.AsPrefix(CiliumKeys.CachePrefixFor(resource, _name)), cancellationToken);
        }
        LogDrained(_name);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var cache in _caches.Values)
        {
            await cache.DisposeAsync();
        }
    }

    private void Mirror(CiliumResource resource, SyncStore cache, WatchStoreChange<byte[]> change)
    {
        switch (change.Kind)
        {
            case WatchStoreChangeKind.Upsert:
                cache.Upsert(change.Name, change.Value!);
                break;
            case WatchStoreChangeKind.Delete:
                cache.Delete(change.Name);
                break;
            case WatchStoreChangeKind.Synced:
                bool first;
                lock (_gate)
                {
                    first = _swept.Add(resource);
                }
                if (first)
                {
                    // The canary must only follow a clean cache: sweep first (off the watch loop), then mark synced.
                    _ = SweepThenMarkSyncedAsync(resource, cache);
                }
                break;
        }
    }

    /// <summary>
    /// Deletes cache keys of <paramref name="resource"/> that the remote no longer has (left by an earlier run or
    /// owner). Each delete is conditional on the key's listed revision, so a key this term writes meanwhile survives.
    /// </summary>
    private async Task SweepThenMarkSyncedAsync(CiliumResource resource, SyncStore cache)
    {
        var prefix = CiliumKeys.AsPrefix(CiliumKeys.CachePrefixFor(resource, _name));
        try
        {
            var listed = await _local.ListPrefixAsync(prefix, CancellationToken.None);
            var live = _mirrors[resource].Entries;
            var swept = 0;
            foreach (var entry in listed.Entries)
            {
                if (!live.ContainsKey(entry.Key[prefix.Length..])
                    && await _local.WriteBatchIfAsync([.. _fence, TxnCompare.ModRevision(entry.Key, CompareResult.Equal, entry.ModRevision)], [new KvWrite(entry.Key, null)], withLease: false, CancellationToken.None))
                {
                    swept++;
                }
            }
            if (swept > 0)
            {
                LogSwept(_name, swept, prefix);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Left-overs then expire with their old lease; the mirror itself is complete.
            LogSweepFailed(_name, prefix, e.Message);
        }
        cache.MarkSynced();
    }

    private async Task WriteAsync(IReadOnlyList<KvWrite> writes, bool withLease, CancellationToken cancellationToken)
    {
        if (!await _local.WriteBatchIfAsync(_fence, writes, withLease, cancellationToken))
        {
            throw new KvGuardFailedException($"ownership of remote cluster '{_name}' was lost; nothing was written");
        }
    }

    private async Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var keys = (await _local.ListPrefixAsync(prefix, cancellationToken)).Entries.Select(e => new KvWrite(e.Key, null)).ToList();
        foreach (var chunk in keys.Chunk(128))
        {
            await WriteAsync(chunk, withLease: false, cancellationToken);
        }
    }

    private async Task<CiliumClusterConfig?> RetrieveConfigAsync(IKvStore remote, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            string reason;
            try
            {
                var entry = await remote.GetAsync(CiliumKeys.ClusterConfig(_name), cancellationToken);
                if (entry is null)
                {
                    reason = $"no cluster config at {CiliumKeys.ClusterConfig(_name)} yet";
                }
                else
                {
                    var rejection = RemoteClusterValidator.CheckClusterConfig(_name, entry.Value, _limits, _localClusterId, out var config);
                    if (rejection is not null)
                    {
                        reason = rejection.Detail;
                    }
                    else if (_reservations?.Reserve(_name, config!.Id) is { Reserved: false } refused)
                    {
                        // Cached next to the holder, its identities and IPs would be taken for the holder's.
                        reason = refused.Refusal!;
                    }
                    else if (_claims is not null && await _claims.ClaimClusterIdAsync(_name, config!.Id, cancellationToken) is { } holder)
                    {
                        // The holder is reflected by another replica.
                        _reservations?.Release(_name);
                        reason = $"cluster ID {config.Id} is already used by remote cluster '{holder}' (reflected by another replica)";
                    }
                    else
                    {
                        lock (_gate)
                        {
                            _lastError = null;
                        }
                        return config;
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException && e is not OutOfMemoryException)
            {
                reason = e.Message;
            }
            RecordFailure(reason);
            await Task.Delay(delay, _time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
        return null;
    }

    private async Task ReflectAsync(IKvStore remote, CiliumResource resource, CiliumClusterConfig config, CancellationToken cancellationToken)
    {
        try
        {
            if (config.Capabilities.SyncedCanaries)
            {
                // Start mirroring only once the remote says this kind is complete (spec §1.5), so a half-synced
                // remote never makes the cache look complete.
                var canary = CiliumKeys.SyncCanary(_name, CiliumKeys.CanarySuffix(resource, config.Capabilities.Cached));
                while (await remote.GetAsync(canary, cancellationToken) is null)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken);
                }
            }
            await _mirrors[resource].WatchAsync(remote, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>A failure seen by the owner (e.g. a connection that ended with an error): counted in the status.</summary>
    internal void RecordFailure(string reason)
    {
        lock (_gate)
        {
            _failures++;
            _lastFailure = _time.GetUtcNow();
            _lastError = reason;
        }
        LogRemoteFailure(_name, reason);
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Remote cluster {Cluster} (ID {Id}) connected; mirroring into cilium/cache")]
    private partial void LogConnected(string cluster, uint id);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Remote cluster {Cluster}: {Reason}")]
    private partial void LogRemoteFailure(string cluster, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Remote cluster {Cluster} drained from the cache")]
    private partial void LogDrained(string cluster);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Remote cluster {Cluster}: swept {Count} stale keys under {Prefix}")]
    private partial void LogSwept(string cluster, int count, string prefix);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Remote cluster {Cluster}: sweeping {Prefix} failed: {Reason}")]
    private partial void LogSweepFailed(string cluster, string prefix, string reason);
}
