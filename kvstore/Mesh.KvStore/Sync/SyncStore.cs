using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    // Lock-free inboxes: an exporter hands over 100k upserts while the loop drains them, and a locked queue made the
    // two contend on every item.
    private readonly ConcurrentQueue<SyncCommand> _commands = new();

    // Completions and retries free write slots: they get their own queue so they never wait behind a backlog of upserts.
    private readonly ConcurrentQueue<SyncCommand> _completions = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _signalled;
    private volatile bool _disposed;
    private readonly IDisposable _leaseRegistration;
    private readonly string _keyPrefix;

    // Loop-owned state. One entry per key, desired value and write state together: a key costs one lookup per step
    // (taken in, sent, done) where separate desired, queued, in-flight and awaited sets cost nine.
    private readonly Dictionary<string, KeyState> _keys = new(StringComparer.Ordinal);
    private readonly Queue<string> _queue = new();
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ITimer> _retryTimers = new(StringComparer.Ordinal);
    // Keys queued, in flight or waiting for a retry when MarkSynced came, not yet written; -1 before MarkSynced.
    private int _awaitingSync = -1;
    private int _inFlight;
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
        _leaseRegistration = kv.OnLeaseLost(keys => Post(_commands, new SyncCommand.LeaseLost(keys)));
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
    public void Upsert(string name, ReadOnlyMemory<byte> value) => Post(_commands, new SyncCommand.Upsert(_keyPrefix + name, value));

    /// <summary>The key <c>prefix/name</c> should not exist. Unknown keys are left alone.</summary>
    public void Delete(string name) => Post(_commands, new SyncCommand.Delete(_keyPrefix + name));

    /// <summary>The initial state has been handed over: write the canary once it is all stored.</summary>
    public void MarkSynced() => Post(_commands, new SyncCommand.MarkSynced());

    /// <summary>Runs the write loop until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var worked = false;
                while (_completions.TryDequeue(out var completion))
                {
                    Apply(completion);
                    worked = true;
                }
                // Apply a bounded slice of the backlog, then dispatch, so writing starts before a large initial
                // state has been taken in completely.
                for (var applied = 0; applied < Options.BatchSize * Options.Workers && _commands.TryDequeue(out var command); applied++)
                {
                    Apply(command);
                    worked = true;
                }
                Dispatch(cancellationToken);
                Volatile.Write(ref _queueSize, _queue.Count + _inFlight);
                if (worked)
                {
                    continue;
                }
                if (_disposed)
                {
                    return;
                }
                await Volatile.Read(ref _wake).Task.WaitAsync(cancellationToken);
                // A fresh wake-up first, then the flag cleared, then the next drain: whatever is posted from here on
                // signals the new wake-up, so nothing is left behind.
                Volatile.Write(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                Volatile.Write(ref _signalled, 0);
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
        _disposed = true;
        Volatile.Read(ref _wake).TrySetResult();
        foreach (var timer in _retryTimers.Values)
        {
            timer.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private void Post(ConcurrentQueue<SyncCommand> inbox, SyncCommand command)
    {
        inbox.Enqueue(command);
        // One wake-up per drain, not per command.
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            Volatile.Read(ref _wake).TrySetResult();
        }
    }

    private string CanaryKey => Options.CanaryKey ?? string.Empty;

    private void Apply(SyncCommand command)
    {
        switch (command)
        {
            case SyncCommand.Upsert upsert:
            {
                ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, upsert.Key, out _);
                // Same bytes as last asked for: already stored, queued, in flight or waiting for a retry.
                if (state.Desired is { } current && current.Span.SequenceEqual(upsert.Value.Span))
                {
                    return;
                }
                state.Desired = upsert.Value;
                Enqueue(upsert.Key, ref state);
                break;
            }
            case SyncCommand.Delete delete:
            {
                ref var state = ref CollectionsMarshal.GetValueRefOrNullRef(_keys, delete.Key);
                if (!Unsafe.IsNullRef(ref state) && state.Desired is not null)
                {
                    state.Desired = null;
                    Enqueue(delete.Key, ref state);
                }
                break;
            }
            case SyncCommand.MarkSynced:
                _awaitingSync = 0;
                foreach (var key in _keys.Keys)
                {
                    ref var state = ref CollectionsMarshal.GetValueRefOrNullRef(_keys, key);
                    if ((state.Flags & (KeyFlags.Queued | KeyFlags.InFlight)) != 0 || _retryTimers.ContainsKey(key))
                    {
                        state.Flags |= KeyFlags.AwaitingSync;
                        _awaitingSync++;
                    }
                }
                _canaryWanted = Options.CanaryKey is not null;
                CheckSynced();
                break;
            case SyncCommand.LeaseLost lost:
                foreach (var key in lost.Keys)
                {
                    ref var state = ref CollectionsMarshal.GetValueRefOrNullRef(_keys, key);
                    if (!Unsafe.IsNullRef(ref state) && state.Desired is not null)
                    {
                        Enqueue(key, ref state);
                    }
                    else if (key == CanaryKey && _synced)
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

    private void Enqueue(string key) => Enqueue(key, ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, key, out _));

    private void Enqueue(string key, ref KeyState state)
    {
        if ((state.Flags & KeyFlags.InFlight) != 0)
        {
            // Written again when the current write finishes, with whatever is desired then.
            state.Flags |= KeyFlags.Dirty;
        }
        else if ((state.Flags & KeyFlags.Queued) == 0)
        {
            state.Flags |= KeyFlags.Queued;
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
                ref var state = ref CollectionsMarshal.GetValueRefOrNullRef(_keys, key);
                state.Flags = (state.Flags & ~KeyFlags.Queued) | KeyFlags.InFlight;
                _inFlight++;
                keys.Add(key);
                // Explicitly nullable: a bare null would convert to an empty ReadOnlyMemory and write "" instead of deleting.
                writes.Add(new KvWrite(key, key == CanaryKey ? CanaryValue() : state.Desired));
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
        Post(_completions, new SyncCommand.Completed(keys, error));
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
            ref var state = ref CollectionsMarshal.GetValueRefOrNullRef(_keys, key);
            state.Flags &= ~KeyFlags.InFlight;
            _inFlight--;
            if (completed.Error is not null)
            {
                // Still awaited by the initial sync, if it was: done once a retry succeeds.
                var failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
                state.Flags &= ~KeyFlags.Dirty;
                ScheduleRetry(key, Backoff(failures));
                continue;
            }
            if (_failures.Count > 0)
            {
                _failures.Remove(key);
            }
            if (!_synced && key == CanaryKey)
            {
                _synced = true;
                _syncedSignal.TrySetResult();
                LogSynced(Options.Prefix, CanaryKey);
            }
            if ((state.Flags & KeyFlags.Dirty) != 0)
            {
                state.Flags &= ~KeyFlags.Dirty;
                Enqueue(key, ref state);
                continue;
            }
            if ((state.Flags & KeyFlags.AwaitingSync) != 0)
            {
                state.Flags &= ~KeyFlags.AwaitingSync;
                _awaitingSync--;
            }
            if (state.Desired is null && state.Flags == KeyFlags.None && !_retryTimers.ContainsKey(key))
            {
                // Deleted (or the canary): nothing more to remember about it.
                _keys.Remove(key);
            }
        }
        CheckSynced();
    }

    private void CheckSynced()
    {
        if (_awaitingSync != 0)
        {
            return;
        }
        _awaitingSync = -1;
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
        _retryTimers[key] = _time.CreateTimer(_ => Post(_completions, new SyncCommand.Retry(key)), null, delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>What the store wants for one key, and where its write stands.</summary>
    private struct KeyState
    {
        /// <summary>The value to store; null for a key to delete (kept until the delete is written).</summary>
        public ReadOnlyMemory<byte>? Desired;

        public KeyFlags Flags;
    }

    [Flags]
    private enum KeyFlags : byte
    {
        None = 0,
        Queued = 1,
        InFlight = 2,
        // Asked for again while in flight: written again once the current write is done.
        Dirty = 4,
        // Queued, in flight or waiting for a retry when MarkSynced came: the canary waits for it.
        AwaitingSync = 8,
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Writing {Count} keys (first {Key}) failed: {Reason}; retrying with backoff")]
    private partial void LogWriteFailed(int count, string key, string reason);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Information, Message = "Initial sync of {Prefix} complete; canary {Canary} written")]
    private partial void LogSynced(string prefix, string canary);
}
