using Mesh.ClusterMesh.Export;
using Mesh.ClusterMesh.Export.State;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Cilium.Values;
using Mesh.KvStore.Store;
using Mesh.KvStore.Sync;
using Mesh.Kubernetes.Sources;
using Microsoft.Extensions.Logging;

namespace Mesh.ClusterMesh.Apiserver.Export;

/// <summary>
/// The apiserver's export loop (spec §2.2–§2.3): Kubernetes events become Cilium kvstore entries written through one
/// SyncStore per resource with leases. The cluster config is written before anything else and every 5 minutes, the
/// heartbeat every minute, and each store writes its sync canary after the source's initial sync.
/// </summary>
public sealed partial class ClusterExporter : IAsyncDisposable
{
    public static readonly TimeSpan ClusterConfigInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMinutes(1);

    private static readonly CiliumResource[] Resources =
        [CiliumResource.Identities, CiliumResource.Ips, CiliumResource.Nodes, CiliumResource.Services, CiliumResource.ServiceExports];

    private readonly IKvStore _kv;
    private readonly IObjectSource _source;
    private readonly ExportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ClusterExportState _state;
    private readonly Dictionary<CiliumResource, SyncStore> _stores = [];

    public ClusterExporter(IKvStore kv, IObjectSource source, ExportOptions options, TimeProvider time, ILoggerFactory loggers, SyncStoreMetrics? metrics = null)
    {
        _kv = kv ?? throw new ArgumentNullException(nameof(kv));
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        ArgumentNullException.ThrowIfNull(loggers);
        _logger = loggers.CreateLogger<ClusterExporter>();
        _state = new ClusterExportState(options);
        foreach (var resource in Resources)
        {
            _stores[resource] = new SyncStore(
                kv,
                new SyncStoreOptions
                {
                    Prefix = CiliumKeys.StatePrefixFor(resource),
                    SourceCluster = options.ClusterName,
                    CanaryKey = CiliumKeys.SyncCanary(options.ClusterName, CiliumKeys.CanarySuffix(resource, cached: false)),
                    Scope = resource.ToString().ToLowerInvariant(),
                },
                time,
                loggers.CreateLogger<SyncStore>(),
                metrics);
        }
    }

    /// <summary>True once every resource's canary is written: what <c>/readyz</c> reports.</summary>
    public bool IsReady => _stores.Values.All(s => s.IsSynced);

    /// <summary>Per resource: whether its initial sync completed.</summary>
    public IReadOnlyDictionary<CiliumResource, bool> Synced => _stores.ToDictionary(s => s.Key, s => s.Value.IsSynced);

    /// <summary>Entries currently exported per resource.</summary>
    public IReadOnlyDictionary<CiliumResource, int> Counts =>
        Resources.ToDictionary(r => r, r => _state.ExportedOf(r).Count);

    /// <summary>Completes when <see cref="IsReady"/> becomes true.</summary>
    public Task ReadyTask => Task.WhenAll(_stores.Values.Select(s => s.SyncedTask));

    /// <summary>The cluster config this apiserver publishes (spec §1.3.6).</summary>
    public CiliumClusterConfig ClusterConfig => new(_options.ClusterId, new ClusterCapabilities
    {
        SyncedCanaries = true,
        MaxConnectedClusters = 255,
        ServiceExportsEnabled = _options.EnableServiceExports,
    });

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // The config goes first: remote agents refuse a cluster without one.
        await WriteClusterConfigAsync(cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = _stores.Values.Select(s => s.RunAsync(stop.Token)).ToList();
        loops.Add(PeriodicAsync(ClusterConfigInterval, WriteClusterConfigAsync, stop.Token));
        loops.Add(PeriodicAsync(HeartbeatInterval, WriteHeartbeatAsync, stop.Token, runFirst: true));
        loops.Add(ExportAsync(stop.Token));
        // A loop that fails (the object source gave up) stops the export instead of leaving it silently unready.
        var first = await Task.WhenAny(loops);
        await stop.CancelAsync();
        await Task.WhenAll(loops).ContinueWith(_ => { }, TaskScheduler.Default);
        await first;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores.Values)
        {
            await store.DisposeAsync();
        }
    }

    private async Task ExportAsync(CancellationToken cancellationToken)
    {
        // One list for every event's changes: they are handed to the stores before the next event.
        var changes = new List<ExportChange>();
        try
        {
            await foreach (var change in _source.WatchAsync(cancellationToken))
            {
                if (change.Type == ObjectEventType.Synced)
                {
                    foreach (var store in _stores.Values)
                    {
                        store.MarkSynced();
                    }
                    LogSourceSynced(_options.ClusterName, _state.ExportedCount);
                    continue;
                }
                changes.Clear();
                _state.Apply(change, changes);
                foreach (var export in changes)
                {
                    var store = _stores[export.Resource];
                    if (export.Value is { } value)
                    {
                        store.Upsert(export.Name, value);
                    }
                    else
                    {
                        store.Delete(export.Name);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task WriteClusterConfigAsync(CancellationToken cancellationToken)
    {
        await _kv.UpdateAsync(CiliumKeys.ClusterConfig(_options.ClusterName), CiliumClusterConfigCodec.Encode(ClusterConfig), withLease: true, cancellationToken);
    }

    private async Task WriteHeartbeatAsync(CancellationToken cancellationToken)
    {
        await _kv.UpdateAsync(CiliumKeys.Heartbeat, KvTimestamp.Encode(_time.GetUtcNow()), withLease: true, cancellationToken);
    }

    private async Task PeriodicAsync(TimeSpan interval, Func<CancellationToken, Task> action, CancellationToken cancellationToken, bool runFirst = false)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            if (runFirst)
            {
                await TryAsync(action, cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await TryAsync(action, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task TryAsync(Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException && e is not OutOfMemoryException)
        {
            LogPeriodicWriteFailed(e.Message);
        }
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Cluster {Cluster}: Kubernetes initial sync done, {Count} entries exported; writing canaries")]
    private partial void LogSourceSynced(string cluster, int count);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Periodic kvstore write failed (retried on the next tick): {Reason}")]
    private partial void LogPeriodicWriteFailed(string reason);
}
