using Mesh.ClusterMesh.Apiserver.KvStoreMesh.Ownership;
using Mesh.ClusterMesh.Config;
using Mesh.KvStore.Store;
using Mesh.KvStore.Sync;
using Microsoft.Extensions.Logging;

namespace Mesh.ClusterMesh.Apiserver.KvStoreMesh;

/// <summary>
/// KVStoreMesh (spec §2.4) driven by the live clustermesh config directory: each remote cluster gets one
/// <see cref="RemoteClusterOwner"/> loop (a file added starts it, a change reconnects, a removal drains it). With
/// several replicas, <see cref="IRemoteOwnership"/> lets exactly one of them reflect each remote. Ready like Cilium's
/// kvstoremesh: once every remote present at start is synced, except those that did not connect within the
/// per-cluster timeout, or regardless after the global timeout; once ready, it stays ready. The remotes this replica
/// reflects hold distinct cluster IDs (<see cref="ClusterIdReservations"/>, and across replicas the claims of
/// <see cref="IRemoteOwnership.ClaimClusterIdAsync"/>): a remote whose ID is taken waits, refused, until the holder is
/// removed, disconnected or changes its ID.
/// </summary>
public sealed partial class KvStoreMesh
{
    private readonly IKvStore _local;
    private readonly KvStoreMeshOptions _options;
    private readonly Func<RemoteClusterConfig, RemoteConnection> _connect;
    private readonly IRemoteOwnership _ownership;
    private readonly ClusterIdReservations _clusterIds = new();
    private readonly SyncStoreMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Owned by the RunAsync loop; readers get the immutable snapshot.
    private readonly Dictionary<string, Entry> _owners = new(StringComparer.Ordinal);
    private RemoteClusterOwner[] _snapshot = [];

    // connect: creates a client of a remote cluster's etcd; the owner disposes it.
    public KvStoreMesh(
        IKvStore local, KvStoreMeshOptions options, Func<RemoteClusterConfig, RemoteConnection> connect, IRemoteOwnership? ownership, TimeProvider time, ILoggerFactory loggers, SyncStoreMetrics? metrics = null)
    {
        _local = local ?? throw new ArgumentNullException(nameof(local));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _connect = connect ?? throw new ArgumentNullException(nameof(connect));
        _ownership = ownership ?? SingleReplicaOwnership.Instance;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _loggers = loggers ?? throw new ArgumentNullException(nameof(loggers));
        _logger = loggers.CreateLogger<KvStoreMesh>();
        _metrics = metrics;
    }

    public bool IsReady => _ready.Task.IsCompleted;

    public Task ReadyTask => _ready.Task;

    /// <summary>Every configured remote, by name.</summary>
    public IReadOnlyList<RemoteClusterStatus> Statuses => [.. Volatile.Read(ref _snapshot).Select(o => o.Status)];

    /// <summary>Follows <paramref name="changes"/> (a <see cref="ClusterMeshConfigDirectory"/> stream) until cancelled.</summary>
    public async Task RunAsync(IAsyncEnumerable<ClusterConfigChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        Task? readiness = null;
        try
        {
            await foreach (var change in changes.WithCancellation(cancellationToken))
            {
                if (change.Kind == ClusterConfigChangeKind.InitialScanDone)
                {
                    readiness ??= WaitReadyAsync([.. _owners.Values], cancellationToken);
                    continue;
                }
                Route(change, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            // Owners see the same token: each hands its remote over and ends.
            await Task.WhenAll(_owners.Values.Select(e => e.Run)).ContinueWith(_ => { }, TaskScheduler.Default);
            if (readiness is not null)
            {
                await readiness;
            }
        }
    }

    private void Route(ClusterConfigChange change, CancellationToken cancellationToken)
    {
        foreach (var done in _owners.Where(e => e.Value.Run.IsCompleted).Select(e => e.Key).ToList())
        {
            _owners.Remove(done);
        }
        _owners.TryGetValue(change.Name, out var entry);
        if (change.Kind == ClusterConfigChangeKind.Removed)
        {
            if (entry is { Removing: false })
            {
                entry.Owner.Post(change);
                _owners[change.Name] = entry with { Removing = true };
            }
        }
        else if (entry is { Removing: false })
        {
            entry.Owner.Post(change);
        }
        else
        {
            // A new remote, or one still draining after its removal: the new loop starts when the old one ended.
            var owner = new RemoteClusterOwner(change.Name, _local, _connect, _ownership, _clusterIds, _options, _metrics, _time, _loggers);
            owner.Post(change);
            var previous = entry?.Run ?? Task.CompletedTask;
            var run = previous.ContinueWith(_ => owner.RunAsync(cancellationToken), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            _owners[change.Name] = new Entry(owner, run, Removing: false);
        }
        Volatile.Write(ref _snapshot, [.. _owners.Values.Where(e => !e.Removing).Select(e => e.Owner).OrderBy(o => o.Name, StringComparer.Ordinal)]);
    }

    private async Task WaitReadyAsync(IReadOnlyList<Entry> owners, CancellationToken cancellationToken)
    {
        try
        {
            var all = Task.WhenAll(owners.Select(e => WaitRemoteAsync(e.Owner, e.Run, cancellationToken)));
            if (await Task.WhenAny(all, Task.Delay(_options.GlobalReadyTimeout, _time, cancellationToken)) != all)
            {
                LogGlobalTimeout(_options.GlobalReadyTimeout);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        if (!cancellationToken.IsCancellationRequested)
        {
            _ready.TrySetResult();
            LogReady(owners.Count);
        }
    }

    private async Task WaitRemoteAsync(RemoteClusterOwner owner, Task run, CancellationToken cancellationToken)
    {
        var connected = await Task.WhenAny(owner.Connected, Task.Delay(_options.PerClusterReadyTimeout, _time, cancellationToken));
        if (connected != owner.Connected)
        {
            LogDisregarded(owner.Name, _options.PerClusterReadyTimeout);
            return;
        }
        // A remote removed meanwhile is not waited for.
        await Task.WhenAny(owner.Synced, run, Task.Delay(Timeout.Infinite, cancellationToken));
    }

    [LoggerMessage(EventId = 5130, Level = LogLevel.Information, Message = "KVStoreMesh ready ({Count} remote clusters at start)")]
    private partial void LogReady(int count);

    [LoggerMessage(EventId = 5131, Level = LogLevel.Warning, Message = "Remote cluster {Cluster} did not connect within {Timeout}; disregarded for readiness")]
    private partial void LogDisregarded(string cluster, TimeSpan timeout);

    [LoggerMessage(EventId = 5132, Level = LogLevel.Warning, Message = "KVStoreMesh not synced within the global ready timeout {Timeout}; ready anyway")]
    private partial void LogGlobalTimeout(TimeSpan timeout);

    private sealed record Entry(RemoteClusterOwner Owner, Task Run, bool Removing);
}
