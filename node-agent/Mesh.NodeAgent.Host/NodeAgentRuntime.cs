using Mesh.Bpf.Maps;
using Mesh.ClusterMesh.Config;
using Mesh.Kubernetes.Sources;
using Mesh.KvStore.Cilium.Validation;
using Mesh.KvStore.Store;
using Mesh.NodeAgent.Controllers;
using Mesh.NodeAgent.Host.Datapath;
using Mesh.NodeAgent.Host.Metrics;
using Mesh.NodeAgent.Host.Policy;
using Mesh.NodeAgent.Host.Programs;
using Mesh.NodeAgent.Host.Sources;
using Mesh.NodeAgent.IpCache;
using Mesh.NodeAgent.LoadBalancerMaps;
using Mesh.NodeAgent.Policy;
using Mesh.NodeAgent.Tables;
using Mesh.StateDb.Reconciliation;
using Mesh.StateDb.Tables;
using Microsoft.Extensions.Logging;

namespace Mesh.NodeAgent.Host;

/// <summary>
/// One node agent: the local cluster and every remote cluster feed the input tables, the controllers derive the
/// desired LB and ipcache tables, and four reconcilers program the maps. Remote clusters come and go through
/// <see cref="AddRemote"/> / <see cref="RemoveRemoteAsync"/> (the config directory or the demo call them).
/// </summary>
public sealed partial class NodeAgentRuntime : IAsyncDisposable
{
    private readonly NodeAgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly AgentWriters _writers;
    private readonly PropagationTracker _propagation;
    private readonly DatapathMaps _maps;
    private readonly LocalClusterSource _local;
    private readonly IObjectSource _localSource;
    private readonly EndpointDatapathManager? _endpointDatapath;
    private readonly LoadBalancerController _lb;
    private readonly IpCacheController _ipcache;
    private readonly PolicyController _policy;
    private readonly PolicyMapSet _policyMaps;
    private readonly Reconciler<Desired<PolicyEndpointMap>, ushort> _policyMapsReconciler;
    private readonly Reconciler<Desired<PolicyMapRow>, PolicyEntryKey> _policyEntriesReconciler;
    private readonly TableInitializer _remoteIdentitiesInitializer;
    private readonly Reconciler<Desired<LbServiceEntry>, LbFrontendKey> _servicesReconciler;
    private readonly Reconciler<Desired<LbBackendEntry>, uint> _backendsReconciler;
    private readonly Reconciler<Desired<LbRevNatEntry>, ushort> _revNatReconciler;
    private readonly Reconciler<Desired<IpCacheEntry>, System.Net.IPNetwork> _ipcacheReconciler;
    private readonly TableInitializer[] _clusterMeshInitializers;
    private readonly Dictionary<string, (RemoteClusterWatcher Watcher, CancellationTokenSource Stop, Task Run)> _remotes = [];
    private readonly ClusterIdReservations _clusterIds = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _initialRemotesKnown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationToken _running = CancellationToken.None;
    private bool _started;

    public NodeAgentRuntime(NodeAgentOptions options, IObjectSource localSource, IBpfMapStore maps, TimeProvider time, ILoggerFactory loggers, EndpointDatapathOptions? endpointDatapath = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(localSource);
        ArgumentNullException.ThrowIfNull(maps);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"invalid agent options: {string.Join("; ", errors)}", nameof(options));
        }
        _options = options;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _loggers = loggers ?? throw new ArgumentNullException(nameof(loggers));
        _logger = loggers.CreateLogger<NodeAgentRuntime>();
        Tables = new AgentTables();
        _writers = new AgentWriters(Tables);
        _propagation = new PropagationTracker(time);
        _maps = new DatapathMaps(maps, _propagation, time, options.LbMapMaxEntries);
        _localSource = localSource;
        _endpointDatapath = endpointDatapath is null ? null : new EndpointDatapathManager(endpointDatapath, time, loggers.CreateLogger<EndpointDatapathManager>());
        _local = new LocalClusterSource(_writers, localSource, options.ClusterName, options.ClusterId, options.NodeName);
        _clusterMeshInitializers =
        [
            Tables.BackendSets.RegisterInitializer("clustermesh"),
            Tables.IpCacheClaims.RegisterInitializer("clustermesh"),
        ];
        _lb = new LoadBalancerController(Tables, options.NodeName);
        _lb.Restore(_maps.RecoveredServices, _maps.RecoveredBackends);
        _ipcache = new IpCacheController(Tables);
        _servicesReconciler = new(Tables.LbServices, _maps.Services, Reconciling("lb-services"), time, loggers.CreateLogger<Reconciler<Desired<LbServiceEntry>, LbFrontendKey>>());
        _backendsReconciler = new(Tables.LbBackends, _maps.Backends, Reconciling("lb-backends"), time, loggers.CreateLogger<Reconciler<Desired<LbBackendEntry>, uint>>());
        _revNatReconciler = new(Tables.LbRevNat, _maps.RevNat, Reconciling("lb-revnat"), time, loggers.CreateLogger<Reconciler<Desired<LbRevNatEntry>, ushort>>());
        _ipcacheReconciler = new(Tables.IpCache, _maps.IpCache, Reconciling("ipcache"), time, loggers.CreateLogger<Reconciler<Desired<IpCacheEntry>, System.Net.IPNetwork>>());
        _remoteIdentitiesInitializer = Tables.PolicyIdentities.RegisterInitializer("clustermesh");
        _policy = new PolicyController(Tables, options.PolicyEngineOptions(), loggers.CreateLogger<PolicyController>());
        _policyMaps = new PolicyMapSet(maps, options.PolicyMapMaxEntries);
        _policyMapsReconciler = new(Tables.PolicyMaps, new PolicyEndpointMapOperations(_policyMaps), Reconciling("policy-maps"), time, loggers.CreateLogger<Reconciler<Desired<PolicyEndpointMap>, ushort>>());
        _policyEntriesReconciler = new(
            Tables.PolicyEntries,
            new PolicyEntryOperations(_policyMaps, id => Tables.PolicyMaps.Snapshot().Contains(id), time),
            Reconciling("policy-entries"),
            time,
            loggers.CreateLogger<Reconciler<Desired<PolicyMapRow>, PolicyEntryKey>>());
    }

    public AgentTables Tables { get; }

    /// <summary>
    /// Ready once the local cluster is synced, every remote known at start is synced (or timed out) and the maps hold
    /// the result: every desired row written and every deleted one removed.
    /// </summary>
    public bool IsReady => _local.Synced && Tables.LbServices.Initialized && Tables.IpCache.Initialized
        && Reconcilers.All(r => r.Level == HealthLevel.Ok) && AllDone(Tables.LbBackends) && AllDone(Tables.LbServices)
        && AllDone(Tables.LbRevNat) && AllDone(Tables.IpCache)
        && Tables.PolicyMaps.Initialized && Tables.PolicyEntries.Initialized && AllDone(Tables.PolicyMaps) && AllDone(Tables.PolicyEntries)
        && _servicesReconciler.IsCaughtUp && _backendsReconciler.IsCaughtUp && _revNatReconciler.IsCaughtUp && _ipcacheReconciler.IsCaughtUp
        && _policyMapsReconciler.IsCaughtUp && _policyEntriesReconciler.IsCaughtUp;

    public IReadOnlyList<ReconcilerHealth> Reconcilers =>
        [_servicesReconciler.Health, _backendsReconciler.Health, _revNatReconciler.Health, _ipcacheReconciler.Health, _policyMapsReconciler.Health, _policyEntriesReconciler.Health];

    /// <summary>Policies accepted and rejected, local endpoints with their enforcement and size, identity labels.</summary>
    public PolicyControllerStatus PolicyStatus => _policy.Status;

    /// <summary>With <c>--datapath=tc</c>: each local endpoint's attached programs or attach error; empty otherwise.</summary>
    public IReadOnlyList<EndpointDatapathStatus> EndpointDatapath => _endpointDatapath?.Status ?? [];

    /// <summary>Map write counters: entries written, skipped as unchanged, deleted, programming time.</summary>
    public IReadOnlyList<MapCounters> MapCounters => [.. _maps.Counters, _policyMaps.Counters];

    public NodeAgentStatus Status()
    {
        List<RemoteClusterStatus> remotes;
        lock (_gate)
        {
            remotes = [.. _remotes.Values.Select(r => r.Watcher.Status).OrderBy(s => s.Name, StringComparer.Ordinal)];
        }
        return new NodeAgentStatus(_options.NodeName, _options.ClusterName, _options.ClusterId, _maps.Store.Location, IsReady, remotes, Tables.Counts(), Reconcilers, _lb.Errors, MapCounters, PropagationSummary.From(_propagation))
        {
            Policy = _policy.Status,
        };
    }

    /// <summary>
    /// Starts following a remote cluster (or restarts it with a new connection: reconnect and relist). The new
    /// watcher takes over the name's cluster ID reservation.
    /// </summary>
    public void AddRemote(string name, Func<IKvStore> connect)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(connect);
        lock (_gate)
        {
            var previous = Task.CompletedTask;
            RemoteClusterWatcher? replaced = null;
            if (_remotes.Remove(name, out var existing))
            {
                existing.Stop.Cancel();
                existing.Stop.Dispose();
                previous = existing.Run;
                replaced = existing.Watcher;
            }
            var watcher = new RemoteClusterWatcher(
                name, connect, _writers, _propagation, new ClusterLimits(_options.MaxConnectedClusters), _options.ClusterId, _clusterIds, _options.ClusterMeshCacheTtl, _options.ClusterMeshHealthCheckInterval, _time, _loggers);
            var stop = CancellationTokenSource.CreateLinkedTokenSource(_running);
            // After the old watcher ended, so a late reservation of its (maybe different) ID cannot undo the new one's,
            // and so the new one takes over exactly what the old one had learnt (its first relist sweeps the rest).
            var run = _started
                ? previous.ContinueWith(
                    _ =>
                    {
                        if (replaced is not null)
                        {
                            watcher.Inherit(replaced);
                        }
                        return watcher.RunAsync(stop.Token);
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.None,
                    TaskScheduler.Default).Unwrap()
                : Task.CompletedTask;
            _remotes[name] = (watcher, stop, run);
        }
    }

    /// <summary>The remote left the configuration: stop following it and drain what it contributed.</summary>
    public async Task RemoveRemoteAsync(string name)
    {
        (RemoteClusterWatcher Watcher, CancellationTokenSource Stop, Task Run) remote;
        lock (_gate)
        {
            if (!_remotes.Remove(name, out remote))
            {
                return;
            }
        }
        await remote.Stop.CancelAsync().ConfigureAwait(false);
        await remote.Run.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        remote.Stop.Dispose();
        remote.Watcher.Drain();
        lock (_gate)
        {
            // Drained: another remote may now use the ID, unless this name was added again meanwhile (it owns it then).
            if (!_remotes.ContainsKey(name))
            {
                _clusterIds.Release(name);
            }
        }
    }

    /// <summary>Every remote configured at start has been added (the config directory's first scan is done).</summary>
    public void InitialRemotesKnown() => _initialRemotesKnown.TrySetResult();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (_gate)
        {
            _running = stop.Token;
            _started = true;
            foreach (var name in _remotes.Keys.ToList())
            {
                var (watcher, old, _) = _remotes[name];
                old.Dispose();
                var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                _remotes[name] = (watcher, linked, Task.Run(() => watcher.RunAsync(linked.Token), CancellationToken.None));
            }
        }
        var loops = new List<Task>
        {
            _writers.RunAsync(stop.Token),
            _local.RunAsync(stop.Token),
            _lb.RunAsync(stop.Token),
            _ipcache.RunAsync(stop.Token),
            _servicesReconciler.RunAsync(stop.Token),
            _backendsReconciler.RunAsync(stop.Token),
            _revNatReconciler.RunAsync(stop.Token),
            _ipcacheReconciler.RunAsync(stop.Token),
            _policy.RunAsync(stop.Token),
            _policyMapsReconciler.RunAsync(stop.Token),
            _policyEntriesReconciler.RunAsync(stop.Token),
            WaitForRemotesAsync(stop.Token),
        };
        if (_endpointDatapath is not null)
        {
            loops.Add(_endpointDatapath.RunAsync(_localSource, stop.Token));
        }
        Task? first = null;
        try
        {
            first = await Task.WhenAny(loops.Append(Task.Delay(Timeout.Infinite, cancellationToken))).ConfigureAwait(false);
            if (first.IsFaulted)
            {
                LogLoopFailed(first.Exception!.GetBaseException());
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            Task[] remotes;
            lock (_gate)
            {
                remotes = [.. _remotes.Values.Select(r => r.Run)];
            }
            await Task.WhenAll(loops.Concat(remotes)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            _maps.Store.Flush();
        }
        if (first is { IsFaulted: true })
        {
            // The host exits non-zero: a supervisor restarts an agent whose loop died instead of it idling half-alive.
            await first.ConfigureAwait(false);
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    public async ValueTask DisposeAsync()
    {
        List<(RemoteClusterWatcher Watcher, CancellationTokenSource Stop, Task Run)> remotes;
        lock (_gate)
        {
            remotes = [.. _remotes.Values];
            _remotes.Clear();
        }
        foreach (var remote in remotes)
        {
            await remote.Stop.CancelAsync().ConfigureAwait(false);
            await remote.Run.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            remote.Stop.Dispose();
        }
        _maps.Dispose();
        _policyMaps.Dispose();
    }

    private async Task WaitForRemotesAsync(CancellationToken cancellationToken)
    {
        // Prune must not run before every remote known at start has listed, but one unreachable remote must not block
        // it forever either (Cilium's --clustermesh-sync-timeout).
        await _initialRemotesKnown.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task[] synced;
        lock (_gate)
        {
            synced = [.. _remotes.Values.Select(r => r.Watcher.Synced)];
        }
        var all = Task.WhenAll(synced);
        if (await Task.WhenAny(all, Task.Delay(_options.ClusterMeshSyncTimeout, _time, cancellationToken)).ConfigureAwait(false) != all)
        {
            LogSyncTimeout(_options.ClusterMeshSyncTimeout);
        }
        _writers.BackendSets.Enqueue(tx => tx.MarkDone(_clusterMeshInitializers[0]));
        _writers.IpCacheClaims.Enqueue(tx => tx.MarkDone(_clusterMeshInitializers[1]));
        _writers.PolicyIdentities.Enqueue(tx => tx.MarkDone(_remoteIdentitiesInitializer));
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
    }

    private static bool AllDone<TEntry, TKey>(Table<Desired<TEntry>, TKey> table)
        where TEntry : class
        where TKey : notnull
    {
        foreach (var row in table.Snapshot().All())
        {
            if (row.Status.Kind != ReconcileStatusKind.Done)
            {
                return false;
            }
        }
        return true;
    }

    private ReconcilerOptions Reconciling(string name) => new()
    {
        Name = name,
        WaitForInitialization = true,
        FullReconciliationInterval = _options.FullReconciliationInterval,
    };

    [LoggerMessage(EventId = 6000, Level = LogLevel.Error, Message = "Agent loop failed")]
    private partial void LogLoopFailed(Exception error);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Not every remote cluster synced within {Timeout}; going on without waiting for the rest")]
    private partial void LogSyncTimeout(TimeSpan timeout);
}
