using System.Threading.Channels;
using Mesh.KvStore.Store;
using Microsoft.Extensions.Logging;

namespace Mesh.KvStore.Sync;

/// <summary>
/// Writes the keys one component owns (Cilium's SyncStore): <see cref="Upsert"/> and <see cref="Delete"/> state the
/// desired content; a single loop writes only what changed, retries failed keys with per-key backoff, rewrites
/// keys whose lease was lost, and writes the sync canary once everything queued before <see cref="MarkSynced"/>
/// is stored.
/// </summary>
public sealed partial class SyncStore : IAsyncDisposable
{
    private readonly IKvStore _kv;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SyncStoreMetrics? _metrics;
    private readonly Channel<SyncCommand> _commands = Channel.CreateUnbounded<SyncCommand>(new UnboundedChannelOptions { SingleReader = false });

    // Completions and retries free write slots: they get their own channel so they never wait behind a backlog of upserts.
    private readonly Channel<SyncCommand> _completions = Channel.CreateUnbounded<SyncCommand>(new UnboundedChannelOptions { SingleReader = false });
    private readonly IDisposable _leaseRegistration;
    private readonly string _keyPrefix;

    // Loop-owned state.
    private readonly Dictionary<string, ReadOnlyMemory<byte>> _desired = new(StringComparer.Ordinal);
    private readonly Queue<string> _queue = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ITimer> _retryTimers = new(StringComparer.Ordinal);
    private HashSet<string>? _awaitingSync;
    private int _batchesInFlight;
    private bool _canaryWanted;
    private int _queueSize;
    private volatile bool _synced;
    private readonly TaskCompletionSource _syncedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SyncStore(IKvStore kv, SyncStoreOptions options, TimeProvider time, ILogger<SyncStore> logger, SyncStoreMetrics? metrics = null)
    {
        _kv = kv ?? throw new ArgumentNullException(nameof(kv));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        if (string.IsNullOrEmpty(options.Prefix) || options.Workers < 1 || options.BatchSize < 1)
        {
            throw new ArgumentException("SyncStore needs a Prefix, at least one worker and a batch size of at least one", nameof(options));
        }
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _metrics = metrics;
        _keyPrefix = options.Prefix.TrimEnd('/') + "/";
        _leaseRegistration = kv.OnLeaseLost(keys => _commands.Writer.TryWrite(new SyncCommand.LeaseLost(keys)));
        metrics?.Register(this);
    }

    public SyncStoreOptions Options { get; }

    /// <summary>Keys waiting to be written or being written.</summary>
    public int QueueSize => Volatile.Read(ref _queueSize);

    /// <summary>True once the canary has been written (or, without a canary, once the initial sync was flushed).</summary>
    public bool IsSynced => _synced;

    /// <summary>Completes when <see cref="IsSynced"/> becomes true.</summary>
    public Task SyncedTask => _syncedSignal.Task;

    /// <summary>The key <c>prefix/name</c> should hold <paramref name="value"/>. Unchanged values are not rewritten.</summary>
    public void Upsert(string name, ReadOnlyMemory<byte> value) => _commands.Writer.TryWrite(new SyncCommand.Upsert(_keyPrefix + name, value));

    /// <summary>The key <c>prefix/name</c> should not exist. Unknown keys are left alone.</summary>
    public void Delete(string name) => _commands.Writer.TryWrite(new SyncCommand.Delete(_keyPrefix + name));

    /// <summary>The initial state has been handed over: write the canary once it is all stored.</summary>
    public void MarkSynced() => _commands.Writer.TryWrite(new SyncCommand.MarkSynced());

    /// <summary>Runs the write loop until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var commands = _commands.Reader;
        var completions = _completions.Reader;
        try
        {
            while (true)
            {
                var worked = false;
                while (completions.TryRead(out var completion))
                {
                    Apply(completion);
                    worked = true;
                }
                // Apply a bounded slice of the backlog, then dispatch, so writing starts before a large initial
                // state has been taken in completely.
                for (var applied = 0; applied < Options.BatchSize * Options.Workers && commands.TryRead(out var command); applied++)
                {
                    Apply(command);
                    worked = true;
                }
                Dispatch(cancellationToken);
                Volatile.Write(ref _queueSize, _queued.Count + _inFlight.Count);
                if (worked)
                {
                    continue;
                }
                var next = await Task.WhenAny(commands.WaitToReadAsync(cancellationToken).AsTask(), completions.WaitToReadAsync(cancellationToken).AsTask());
                if (!await next)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: in-flight writes see the same token.
        }
    }

    public ValueTask DisposeAsync()
    {
        _leaseRegistration.Dispose();
        _metrics?.Unregister(this);
        _commands.Writer.TryComplete();
        _completions.Writer.TryComplete();
        foreach (var timer in _retryTimers.Values)
        {
            timer.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private string CanaryKey => Options.CanaryKey ?? string.Empty;

    private void Apply(SyncCommand command)
    {
        switch (command)
        {
            case SyncCommand.Upsert upsert:
                // Same bytes as last asked for: already stored, queued, in flight or waiting for a retry.
                if (_desired.TryGetValue(upsert.Key, out var current) && current.Span.SequenceEqual(upsert.Value.Span))
                {
                    return;
                }
                _desired[upsert.Key] = upsert.Value;
                Enqueue(upsert.Key);
                break;
            case SyncCommand.Delete delete:
                if (_desired.Remove(delete.Key))
                {
                    Enqueue(delete.Key);
                }
                break;
            case SyncCommand.MarkSynced:
                _awaitingSync = [.. _queued, .. _inFlight, .. _retryTimers.Keys];
                _canaryWanted = Options.CanaryKey is not null;
                CheckSynced();
                break;
            case SyncCommand.LeaseLost lost:
                foreach (var key in lost.Keys)
                {
                    if (_desired.ContainsKey(key) || (key == CanaryKey && _synced))
                    {
                        Enqueue(key);
                    }
                }
                break;
            case SyncCommand.Retry retry:
                if (_retryTimers.Remove(retry.Key, out var timer))
                {
                    timer.Dispose();
                }
                Enqueue(retry.Key);
                break;
            case SyncCommand.Completed completed:
                Complete(completed);
                break;
        }
    }

    private void Enqueue(string key)
    {
        if (_inFlight.Contains(key))
        {
            // Written again when the current write finishes, with whatever is desired then.
            _dirty.Add(key);
        }
        else if (_queued.Add(key))
        {
            _queue.Enqueue(key);
        }
    }

    private void Dispatch(CancellationToken cancellationToken)
    {
        while (_batchesInFlight < Options.Workers && _queue.Count > 0)
        {
            // Up to BatchSize distinct keys in one transaction: one round trip and one revision for all of them.
            var keys = new List<string>(Math.Min(Options.BatchSize, _queue.Count));
            var writes = new List<KvWrite>(keys.Capacity);
            while (keys.Count < Options.BatchSize && _queue.TryDequeue(out var key))
            {
                _queued.Remove(key);
                _inFlight.Add(key);
                keys.Add(key);
                // Explicitly nullable: a bare null would convert to an empty ReadOnlyMemory and write "" instead of deleting.
                ReadOnlyMemory<byte>? value = key == CanaryKey ? CanaryValue() : _desired.TryGetValue(key, out var desired) ? (ReadOnlyMemory<byte>?)desired : null;
                writes.Add(new KvWrite(key, value));
            }
            _batchesInFlight++;
            _ = ReportAsync(keys, Options.Guards.Count == 0
                ? _kv.WriteBatchAsync(writes, Options.WithLease, cancellationToken)
                : GuardedWriteAsync(writes, cancellationToken));
        }
    }

    private async Task GuardedWriteAsync(List<KvWrite> writes, CancellationToken cancellationToken)
    {
        if (!await _kv.WriteBatchIfAsync(Options.Guards, writes, Options.WithLease, cancellationToken))
        {
            throw new KvGuardFailedException($"a guard of {Options.Prefix} did not hold; nothing was written");
        }
    }

    private ReadOnlyMemory<byte> CanaryValue() => KvTimestamp.Encode(_time.GetUtcNow());

    private async Task ReportAsync(IReadOnlyList<string> keys, Task write)
    {
        Exception? error = null;
        try
        {
            await write;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = e;
        }
        _completions.Writer.TryWrite(new SyncCommand.Completed(keys, error));
    }

    private void Complete(SyncCommand.Completed completed)
    {
        _batchesInFlight--;
        if (completed.Error is OperationCanceledException)
        {
            return;
        }
        if (completed.Error is { } error)
        {
            LogWriteFailed(completed.Keys.Count, completed.Keys[0], error.Message);
            _metrics?.Error(Options);
        }
        foreach (var key in completed.Keys)
        {
            _inFlight.Remove(key);
            if (completed.Error is not null)
            {
                var failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
                _dirty.Remove(key);
                ScheduleRetry(key, Backoff(failures));
                continue;
            }
            _failures.Remove(key);
            if (key == CanaryKey && !_synced)
            {
                _synced = true;
                _syncedSignal.TrySetResult();
                LogSynced(Options.Prefix, CanaryKey);
            }
            if (_dirty.Remove(key))
            {
                Enqueue(key);
            }
            else
            {
                _awaitingSync?.Remove(key);
            }
        }
        CheckSynced();
    }

    private void CheckSynced()
    {
        if (_awaitingSync is not { Count: 0 })
        {
            return;
        }
        _awaitingSync = null;
        if (_canaryWanted)
        {
            _canaryWanted = false;
            Enqueue(CanaryKey);
        }
        else if (!_synced)
        {
            _synced = true;
            _syncedSignal.TrySetResult();
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var delay = Options.InitialRetryDelay * Math.Pow(2, Math.Min(failures - 1, 20));
        return delay > Options.MaxRetryDelay ? Options.MaxRetryDelay : delay;
    }

    private void ScheduleRetry(string key, TimeSpan delay)
    {
        if (_retryTimers.Remove(key, out var previous))
        {
            previous.Dispose();
        }
        _retryTimers[key] = _time.CreateTimer(_ => _completions.Writer.TryWrite(new SyncCommand.Retry(key)), null, delay, Timeout.InfiniteTimeSpan);
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Writing {Count} keys (first {Key}) failed: {Reason}; retrying with backoff")]
    private partial void LogWriteFailed(int count, string key, string reason);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Information, Message = "Initial sync of {Prefix} complete; canary {Canary} written")]
    private partial void LogSynced(string prefix, string canary);
}
