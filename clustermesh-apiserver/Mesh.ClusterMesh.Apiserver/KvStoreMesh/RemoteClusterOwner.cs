using System.Threading.Channels;
using Mesh.ClusterMesh.Apiserver.KvStoreMesh.Ownership;
using Mesh.ClusterMesh.Config;
using Mesh.KvStore.Store;
using Mesh.KvStore.Sync;
using Microsoft.Extensions.Logging;

namespace Mesh.ClusterMesh.Apiserver.KvStoreMesh;

/// <summary>
/// The one loop that owns everything about one remote cluster: its config changes arrive through a mailbox, it
/// campaigns for ownership, runs a reflector for each ownership term and a connection per config, reconnects when the
/// config changes, and drains when it is removed. Nothing else touches this state.
/// </summary>
internal sealed partial class RemoteClusterOwner
{
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(30);
    private readonly string _name;
    private readonly IKvStore _local;
    private readonly Func<RemoteClusterConfig, RemoteConnection> _connect;
    private readonly IRemoteOwnership _ownership;
    private readonly ClusterIdReservations _clusterIds;
    private readonly KvStoreMeshOptions _options;
    private readonly SyncStoreMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Channel<ClusterConfigChange> _mailbox = Channel.CreateUnbounded<ClusterConfigChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RemoteClusterReflector? _reflector;
    private string? _refused;
    private int _failures;
    private DateTimeOffset? _lastFailure;

    public RemoteClusterOwner(
        string name,
        IKvStore local,
        Func<RemoteClusterConfig, RemoteConnection> connect,
        IRemoteOwnership ownership,
        ClusterIdReservations clusterIds,
        KvStoreMeshOptions options,
        SyncStoreMetrics? metrics,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        _name = name;
        _local = local;
        _connect = connect;
        _ownership = ownership;
        _clusterIds = clusterIds;
        _options = options;
        _metrics = metrics;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<RemoteClusterOwner>();
    }

    public string Name => _name;

    /// <summary>Completes when this replica first connected to the remote (valid config retrieved).</summary>
    public Task Connected => _connected.Task;

    /// <summary>Completes when this replica first had the whole remote in the cache (canaries written).</summary>
    public Task Synced => _synced.Task;

    public RemoteClusterStatus Status
    {
        get
        {
            var reflector = Volatile.Read(ref _reflector);
            if (reflector is not null)
            {
                var status = reflector.Status;
                return status with { Failures = status.Failures + Volatile.Read(ref _failures), LastFailure = status.LastFailure ?? _lastFailure };
            }
            var refused = Volatile.Read(ref _refused);
            return RemoteClusterStatus.Waiting(_name, owned: false, refused ?? "not owned by this replica (another replica reflects it, or ownership is pending)", Volatile.Read(ref _failures), _lastFailure);
        }
    }

    public void Post(ClusterConfigChange change) => _mailbox.Writer.TryWrite(change);

    /// <summary>Runs until the remote is removed (after draining) or <paramref name="stopping"/> fires (ownership released).</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        RemoteClusterConfig? config = null;
        Term? term = null;
        Task<OwnershipTerm>? acquiring = null;
        CancellationTokenSource? acquireStop = null;
        try
        {
            while (true)
            {
                List<Task> waits = [_mailbox.Reader.WaitToReadAsync(stopping).AsTask()];
                if (acquiring is not null)
                {
                    waits.Add(acquiring);
                }
                if (term is not null)
                {
                    waits.Add(term.LostTask);
                }
                await Task.WhenAny(waits);
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                var removed = false;
                while (_mailbox.Reader.TryRead(out var change))
                {
                    switch (change.Kind)
                    {
                        case ClusterConfigChangeKind.Removed:
                            removed = true;
                            config = null;
                            break;
                        case ClusterConfigChangeKind.Added or ClusterConfigChangeKind.Changed when change.Config is { } valid:
                            removed = false;
                            config = valid;
                            Volatile.Write(ref _refused, null);
                            // Same owner, new connection: the caches stay, the watch stores sweep what vanished.
                            term?.Reconnect(valid);
                            break;
                        case ClusterConfigChangeKind.Added or ClusterConfigChangeKind.Changed:
                            removed = false;
                            config = null;
                            Volatile.Write(ref _refused, change.Error);
                            RecordFailure(change.Error ?? "invalid config");
                            break;
                    }
                }

                if (removed || config is null)
                {
                    CancelAcquiring(ref acquiring, ref acquireStop);
                    if (term is not null)
                    {
                        await EndTermAsync(term, drain: removed && !_options.DisableDrainOnDisconnection, release: true);
                        term = null;
                    }
                    if (removed)
                    {
                        LogRemoved(_name);
                        return;
                    }
                    continue;
                }

                if (term is { Ownership.Lost.IsCancellationRequested: true })
                {
                    RecordFailure("ownership lost");
                    await EndTermAsync(term, drain: false, release: false);
                    term = null;
                }
                if (acquiring is { IsCompleted: true })
                {
                    if (acquiring.IsCompletedSuccessfully)
                    {
                        term = StartTerm(acquiring.Result, config);
                    }
                    acquiring = null;
                    acquireStop?.Dispose();
                    acquireStop = null;
                }
                if (term is null && acquiring is null)
                {
                    acquireStop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    acquiring = _ownership.AcquireAsync(_name, acquireStop.Token);
                }
            }
        }
        finally
        {
            CancelAcquiring(ref acquiring, ref acquireStop);
            if (term is not null)
            {
                // Shutting down: hand the remote over at once instead of after a lease TTL.
                await EndTermAsync(term, drain: false, release: true);
            }
        }
    }

    private static void CancelAcquiring(ref Task<OwnershipTerm>? acquiring, ref CancellationTokenSource? stop)
    {
        if (acquiring is null)
        {
            return;
        }
        stop?.Cancel();
        var pending = acquiring;
        // A term acquired just before the cancel is given back.
        _ = pending.ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.ReleaseAsync().AsTask() : Task.CompletedTask, TaskScheduler.Default).Unwrap();
        acquiring = null;
        stop?.Dispose();
        stop = null;
    }

    private Term StartTerm(OwnershipTerm ownership, RemoteClusterConfig config)
    {
        var reflector = new RemoteClusterReflector(_name, _local, _options.Limits, _options.LocalClusterId, _time, _loggers, ownership.Fence, _metrics, _clusterIds, _ownership);
        _ = reflector.ConnectedTask.ContinueWith(_ => _connected.TrySetResult(), TaskScheduler.Default);
        _ = reflector.ReadyTask.ContinueWith(_ => _synced.TrySetResult(), TaskScheduler.Default);
        var term = new Term(this, ownership, reflector);
        Volatile.Write(ref _reflector, reflector);
        term.Reconnect(config);
        return term;
    }

    private async Task EndTermAsync(Term term, bool drain, bool release)
    {
        await term.StopAsync();
        if (drain && !term.Ownership.Lost.IsCancellationRequested)
        {
            await DrainAsync(term.Reflector);
        }
        // Only once this replica no longer reflects it (and a removed remote is drained) may another remote use the ID.
        _clusterIds.Release(_name);
        if (drain)
        {
            // Removed: its claim among the replicas goes too. Otherwise the next owner takes the claim over (it is
            // this remote's); a claim whose remote nobody owns any more is stale and taken over anyway.
            try
            {
                await _ownership.ReleaseClusterIdAsync(_name, CancellationToken.None);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogClaimReleaseFailed(_name, e.Message);
            }
        }
        Volatile.Write(ref _reflector, null);
        await (release ? term.Ownership.ReleaseAsync() : term.Ownership.DisposeAsync());
    }

    /// <summary>Cilium's drain: up to 5 attempts, 2 s backoff doubling.</summary>
    private async Task DrainAsync(RemoteClusterReflector reflector)
    {
        var delay = TimeSpan.FromSeconds(2);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await reflector.DrainAsync(CancellationToken.None);
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException && attempt < 5)
            {
                LogDrainFailed(_name, attempt, e.Message);
                await Task.Delay(delay, _time);
                delay *= 2;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogDrainFailed(_name, attempt, e.Message);
                return;
            }
        }
    }

    private void RecordFailure(string reason)
    {
        Interlocked.Increment(ref _failures);
        _lastFailure = _time.GetUtcNow();
        LogFailure(_name, reason);
    }

    private async Task RunConnectionAsync(RemoteClusterReflector reflector, RemoteClusterConfig config, CancellationToken cancellationToken)
    {
        var delay = _options.ReconnectDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var remote = _connect(config);
                await reflector.ConnectAsync(remote.Store, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                reflector.RecordFailure($"connection ended: {e.Message}");
            }
            try
            {
                await Task.Delay(delay, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = delay * 2 > MaxReconnectDelay ? MaxReconnectDelay : delay * 2;
        }
    }

    [LoggerMessage(EventId = 5110, Level = LogLevel.Information, Message = "Remote cluster {Cluster} removed from the configuration")]
    private partial void LogRemoved(string cluster);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Warning, Message = "Remote cluster {Cluster}: {Reason}")]
    private partial void LogFailure(string cluster, string reason);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Warning, Message = "Draining remote cluster {Cluster} failed (attempt {Attempt}): {Reason}")]
    private partial void LogDrainFailed(string cluster, int attempt, string reason);

    /// <summary>One ownership term: its reflector's caches and the current connection.</summary>
    private sealed class Term
    {
        private readonly RemoteClusterOwner _owner;
        private readonly CancellationTokenSource _stop;
        private readonly Task _caches;
        private CancellationTokenSource? _connectionStop;
        private Task _connection = Task.CompletedTask;

        public Term(RemoteClusterOwner owner, OwnershipTerm ownership, RemoteClusterReflector reflector)
        {
            _owner = owner;
            Ownership = ownership;
            Reflector = reflector;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(ownership.Lost);
            _caches = reflector.RunCachesAsync(_stop.Token);
            LostTask = Task.Delay(Timeout.Infinite, ownership.Lost);
        }

        public OwnershipTerm Ownership { get; }

        public RemoteClusterReflector Reflector { get; }

        /// <summary>Completes (cancelled) when ownership is lost.</summary>
        public Task LostTask { get; }

        public void Reconnect(RemoteClusterConfig config)
        {
            _connectionStop?.Cancel();
            _connectionStop?.Dispose();
            _connectionStop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var previous = _connection;
            var token = _connectionStop.Token;
            // The new connection starts once the old one has let go of its remote client.
            _connection = previous.ContinueWith(_ => _owner.RunConnectionAsync(Reflector, config, token), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _connection;
            await _caches;
            await Reflector.DisposeAsync();
            _connectionStop?.Dispose();
            _stop.Dispose();
        }
    }

    [LoggerMessage(EventId = 5127, Level = LogLevel.Warning, Message = "Releasing the cluster ID claim of removed remote cluster {Cluster} failed: {Reason} (it is stale and will be taken over)")]
    private partial void LogClaimReleaseFailed(string cluster, string reason);
}
