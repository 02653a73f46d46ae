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
/// </summary>
public sealed partial class RemoteClusterReflector : IAsyncDisposable
{
    private static readonly CiliumResource[] Resources =
        [CiliumResource.Nodes, CiliumResource.Services, CiliumResource.ServiceExports, CiliumResource.Ips, CiliumResource.Identities];

    private readonly string _name;
    private readonly IKvStore _remote;
    private readonly IKvStore _local;
    private readonly ClusterLimits _limits;
    private readonly uint _localClusterId;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Dictionary<CiliumResource, SyncStore> _caches = [];
    private readonly Dictionary<CiliumResource, WatchStore<byte[]>> _mirrors = [];
    private readonly Lock _gate = new();
    private CiliumClusterConfig? _config;
    private int _failures;
    private DateTimeOffset? _lastFailure;
    private string? _lastError;

    public RemoteClusterReflector(string name, IKvStore remote, IKvStore local, ClusterLimits limits, uint localClusterId, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _name = name;
        _remote = remote ?? throw new ArgumentNullException(nameof(remote));
        _local = local ?? throw new ArgumentNullException(nameof(local));
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
                },
                time,
                loggers.CreateLogger<SyncStore>());
            _caches[resource] = cache;
            _mirrors[resource] = new WatchStore<byte[]>(
                CiliumKeys.SourcePrefix(resource, name, cached: false),
                (_, value) => WatchStoreDecode<byte[]>.Accept(value.ToArray()),
                change => Mirror(cache, change),
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
                    Resources.ToDictionary(r => r, r => _mirrors[r].Entries.Count),
                    _failures,
                    _lastFailure,
                    _lastError);
            }
        }
    }

    /// <summary>Completes when every kind of the remote is mirrored and its cache canary written.</summary>
    public Task ReadyTask => Task.WhenAll(_caches.Values.Select(c => c.SyncedTask));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var config = await RetrieveConfigAsync(cancellationToken);
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
        await _local.UpdateAsync(CiliumKeys.ClusterConfig(_name), CiliumClusterConfigCodec.Encode(cached), withLease: true, cancellationToken);
        var loops = _caches.Values.Select(c => c.RunAsync(cancellationToken)).ToList();
        loops.AddRange(Resources.Select(r => ReflectAsync(r, config, cancellationToken)));
        await Task.WhenAll(loops);
    }

    /// <summary>
    /// The remote was removed from the configuration: delete its config first (agents stop using it), then its
    /// canaries and every cached prefix.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        await _local.DeleteAsync(CiliumKeys.ClusterConfig(_name), cancellationToken);
        await _local.DeletePrefixAsync(CiliumKeys.SyncCanaries(_name), cancellationToken);
        foreach (var resource in Resources)
        {
            await _local.DeletePrefixAsync(CiliumKeys.AsPrefix(CiliumKeys.CachePrefixFor(resource, _name)), cancellationToken);
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

    private static void Mirror(SyncStore cache, WatchStoreChange<byte[]> change)
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
                cache.MarkSynced();
                break;
        }
    }

    private async Task<CiliumClusterConfig?> RetrieveConfigAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            string reason;
            try
            {
                var entry = await _remote.GetAsync(CiliumKeys.ClusterConfig(_name), cancellationToken);
                if (entry is null)
                {
                    reason = $"no cluster config at {CiliumKeys.ClusterConfig(_name)} yet";
                }
                else
                {
                    var decoded = CiliumClusterConfigCodec.TryDecode(entry.Value);
                    var rejection = decoded.Ok
                        ? RemoteClusterValidator.CheckClusterConfig(_name, decoded.Value, _limits, _localClusterId)
                        : new Rejection(RejectionReason.Malformed, $"cluster config of '{_name}': {decoded.Error}");
                    if (rejection is null)
                    {
                        lock (_gate)
                        {
                            _config = decoded.Value;
                            _lastError = null;
                        }
                        LogConnected(_name, decoded.Value!.Id);
                        return decoded.Value;
                    }
                    reason = rejection.Detail;
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

    private async Task ReflectAsync(CiliumResource resource, CiliumClusterConfig config, CancellationToken cancellationToken)
    {
        try
        {
            if (config.Capabilities.SyncedCanaries)
            {
                // Start mirroring only once the remote says this kind is complete (spec §1.5), so a half-synced
                // remote never makes the cache look complete.
                var canary = CiliumKeys.SyncCanary(_name, CiliumKeys.CanarySuffix(resource, config.Capabilities.Cached));
                while (await _remote.GetAsync(canary, cancellationToken) is null)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken);
                }
            }
            await _mirrors[resource].WatchAsync(_remote, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void RecordFailure(string reason)
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
}
