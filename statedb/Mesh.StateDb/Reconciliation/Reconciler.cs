using Mesh.StateDb.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.StateDb.Reconciliation;

/// <summary>
/// Pushes a desired-state table into a target through <see cref="IReconcilerOperations{TRow}"/>. One loop
/// (<see cref="RunAsync"/>) owns all state: it applies changed rows (Pending, or Error rows it does not already
/// retry), deletes deleted rows, retries failures per key with exponential backoff, re-applies everything and prunes
/// on every full reconciliation (periodically, on request, and once the table is initialized), and writes each row's
/// status back unless the row changed meanwhile. Status-only writes it made itself are Done/Error and so skipped.
/// </summary>
public sealed partial class Reconciler<TRow, TKey>
    where TRow : class, IReconcilable<TRow>
    where TKey : notnull
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    private readonly Table<TRow, TKey> _table;
    private readonly IReconcilerOperations<TRow> _operations;
    private readonly IBatchReconcilerOperations<TRow>? _batchOperations;
    private readonly ReconcilerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RetryQueue<TKey, TRow> _retries;
    private readonly object _wakeGate = new();
    private TaskCompletionSource? _wake;
    private int _fullRequested;
    private int _running;
    private ChangeIterator<TRow, TKey>? _changes;
    private int _idle;

    private volatile ReconcilerHealth _health;
    private int _pendingCount;
    private bool _pruneFailing;
    private int _pruneAttempts;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private long _updates;
    private long _deletes;
    private long _prunes;
    private long _failures;
    private DateTimeOffset? _lastFull;
    private DateTimeOffset _nextFull;

    /// <exception cref="ArgumentException">The options are invalid; the message names every problem.</exception>
    public Reconciler(
        Table<TRow, TKey> table,
        IReconcilerOperations<TRow> operations,
        ReconcilerOptions options,
        TimeProvider timeProvider,
        ILogger<Reconciler<TRow, TKey>>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"invalid reconciler options: {string.Join("; ", errors)}", nameof(options));
        }
        _table = table;
        _operations = operations;
        _batchOperations = operations as IBatchReconcilerOperations<TRow>;
        _options = options;
        _time = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _retries = new RetryQueue<TKey, TRow>(options.RetryMinBackoff, options.RetryMaxBackoff);
        _health = new ReconcilerHealth(options.Name, HealthLevel.Ok, 0, 0, false, null, null, 0, 0, 0, 0, null);
    }

    /// <summary>The latest health; replaced (never mutated) as the loop progresses.</summary>
    public ReconcilerHealth Health => _health;

    /// <summary>
    /// Whether every change the table has made so far is applied, deletions included, and no row waits for a retry.
    /// A deleted row leaves the table at once, so the rows' Done statuses alone cannot say that its entry is gone.
    /// </summary>
    public bool IsCaughtUp => Volatile.Read(ref _idle) == 1 && Volatile.Read(ref _changes) is { HasChanges: false };

    /// <summary>Raised on the reconciler loop whenever <see cref="Health"/> changes; keep handlers short.</summary>
    public event EventHandler<ReconcilerHealth>? HealthChanged;

    /// <summary>Asks for a full reconciliation (re-apply everything, prune if initialized) as soon as possible.</summary>
    public void TriggerFullReconciliation()
    {
        Interlocked.Exchange(ref _fullRequested, 1);
        Wake();
    }

    /// <summary>Runs the loop until <paramref name="cancellationToken"/> is cancelled, then completes normally.</summary>
    /// <exception cref="InvalidOperationException">The loop is already running.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"reconciler '{_options.Name}' is already running");
        }
        try
        {
            if (_options.WaitForInitialization)
            {
                PublishHealth();
                await _table.InitializedTask.WaitAsync(cancellationToken);
            }
            using var changes = _table.Changes();
            Volatile.Write(ref _changes, changes);
            var initialized = _table.InitializedTask;
            var initializationSeen = false;
            _nextFull = _time.GetUtcNow() + _options.FullReconciliationInterval;
            PublishHealth();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Before taking changes: from here until the wait below, what was taken may not be applied yet.
                Volatile.Write(ref _idle, 0);
                var full = Interlocked.Exchange(ref _fullRequested, 0) == 1 || _time.GetUtcNow() >= _nextFull;
                if (!initializationSeen && initialized.IsCompleted)
                {
                    initializationSeen = true;
                    LogTableInitialized(_options.Name, _table.Name);
                    full = true;
                }
                var worked = full;
                var batch = changes.Next();
                if (batch.Count > 0)
                {
                    // A full reconciliation reads a snapshot taken after this batch: it re-applies those rows itself.
                    await ProcessChangesAsync(batch, deletesOnly: full, cancellationToken);
                    worked = true;
                }
                var now = _time.GetUtcNow();
                if (!full && _retries.NextDue <= now)
                {
                    await ProcessRetriesAsync(now, cancellationToken);
                    worked = true;
                }
                if (full)
                {
                    await FullReconciliationAsync(cancellationToken);
                }
                if (worked)
                {
                    PublishHealth();
                    continue;
                }
                Volatile.Write(ref _idle, _retries.Count == 0 ? 1 : 0);
                await WaitForWorkAsync(changes, initializationSeen ? null : initialized, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            Volatile.Write(ref _idle, 0);
            Volatile.Write(ref _changes, null);
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task WaitForWorkAsync(ChangeIterator<TRow, TKey> changes, Task? initialized, CancellationToken cancellationToken)
    {
        var wakeAt = _retries.NextDue is { } retryAt && retryAt < _nextFull ? retryAt : _nextFull;
        var delay = wakeAt - _time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            return;
        }
        // Timers take at most ~49 days; waking early just finds nothing due and waits again.
        delay = delay < MaxWait ? delay : MaxWait;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task wake;
        lock (_wakeGate)
        {
            _wake ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wake = _wake.Task;
        }
        var waits = new List<Task>(4)
        {
            changes.WaitAsync(stop.Token),
            Task.Delay(delay, _time, stop.Token),
            wake,
        };
        if (initialized is not null)
        {
            waits.Add(initialized);
        }
        await Task.WhenAny(waits);
        // Cancels the timer and the change wait that did not fire.
        await stop.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private void Wake()
    {
        TaskCompletionSource? wake;
        lock (_wakeGate)
        {
            wake = _wake;
            _wake = null;
        }
        wake?.TrySetResult();
    }

    private async Task ProcessChangesAsync(IReadOnlyList<Change<TRow>> batch, bool deletesOnly, CancellationToken cancellationToken)
    {
        var updates = new List<StoredRow<TRow>>();
        var deletes = new List<TRow>();
        foreach (var change in batch)
        {
            if (change.Deleted)
            {
                deletes.Add(change.Row);
                continue;
            }
            if (deletesOnly)
            {
                continue;
            }
            var kind = change.Row.Status.Kind;
            // Done rows are reconciled (mostly our own status write); Error rows we know are in the retry queue.
            if (kind == ReconcileStatusKind.Done || (kind == ReconcileStatusKind.Error && _retries.Contains(_table.KeyOf(change.Row))))
            {
                continue;
            }
            updates.Add(new StoredRow<TRow>(change.Row, change.Revision));
        }
        if (updates.Count > 0 || deletes.Count > 0)
        {
            await ApplyAsync(updates, deletes, cancellationToken);
        }
    }

    private async Task ProcessRetriesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var snapshot = _table.Snapshot();
        var updates = new List<StoredRow<TRow>>();
        var deletes = new List<TRow>();
        foreach (var (key, deletedRow) in _retries.TakeDue(now))
        {
            var present = snapshot.TryGetStored(key, out var stored);
            if (deletedRow is not null && !present)
            {
                deletes.Add(deletedRow);
            }
            else if (deletedRow is null && present && stored.Row.Status.Kind != ReconcileStatusKind.Done)
            {
                updates.Add(stored);
            }
            else
            {
                // Superseded: re-inserted after a failed delete, deleted after a failed update, or reconciled since.
                // The change that did so is (or was) processed on its own.
                _retries.Remove(key);
            }
        }
        await ApplyAsync(updates, deletes, cancellationToken);
    }

    private async Task FullReconciliationAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var snapshot = _table.Snapshot();
        var rows = new List<StoredRow<TRow>>(snapshot.Count);
        rows.AddRange(snapshot.AllStored());
        await ApplyAsync(rows, [], cancellationToken);
        var now = _time.GetUtcNow();
        _nextFull = now + _options.FullReconciliationInterval;
        if (snapshot.Initialized)
        {
            var desired = new TRow[rows.Count];
            for (var i = 0; i < desired.Length; i++)
            {
                desired[i] = rows[i].Row;
            }
            try
            {
                await _operations.PruneAsync(desired, cancellationToken);
                _prunes++;
                _pruneFailing = false;
                _pruneAttempts = 0;
            }
            catch (Exception exception) when (IsFailure(exception, cancellationToken))
            {
                now = _time.GetUtcNow();
                var error = Describe(exception);
                RecordFailure(error, now);
                _pruneFailing = true;
                var delay = Backoff.Delay(++_pruneAttempts, _options.RetryMinBackoff, _options.RetryMaxBackoff);
                _nextFull = now + delay;
                LogPruneFailed(_options.Name, error, delay);
            }
        }
        _lastFull = now;
        var elapsed = _time.GetElapsedTime(started);
        LogFullReconciliation(_options.Name, rows.Count, snapshot.Initialized, elapsed);
    }

    /// <summary>Deletes, then updates; records results, schedules retries and writes statuses back.</summary>
    private async Task ApplyAsync(List<StoredRow<TRow>> updates, List<TRow> deletes, CancellationToken cancellationToken)
    {
        if (updates.Count == 0 && deletes.Count == 0)
        {
            return;
        }
        _pendingCount = updates.Count + deletes.Count;
        PublishHealth();

        if (deletes.Count > 0)
        {
            var errors = await InvokeAsync(deletes, _batchOperations is null ? null : _batchOperations.DeleteBatchAsync, _operations.DeleteAsync, cancellationToken);
            var now = _time.GetUtcNow();
            for (var i = 0; i < deletes.Count; i++)
            {
                var key = _table.KeyOf(deletes[i]);
                if (errors?[i] is { } error)
                {
                    RecordFailure(error, now);
                    _retries.Fail(key, deletes[i], now);
                }
                else
                {
                    _deletes++;
                    _retries.Remove(key);
                }
            }
        }

        if (updates.Count > 0)
        {
            var rows = new TRow[updates.Count];
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i] = updates[i].Row;
            }
            var errors = await InvokeAsync(rows, _batchOperations is null ? null : _batchOperations.UpdateBatchAsync, _operations.UpdateAsync, cancellationToken);
            var now = _time.GetUtcNow();
            var statuses = new List<(TKey Key, long Revision, ReconcileStatus Status)>();
            for (var i = 0; i < rows.Length; i++)
            {
                var key = _table.KeyOf(rows[i]);
                if (errors?[i] is { } error)
                {
                    RecordFailure(error, now);
                    _retries.Fail(key, null, now);
                    statuses.Add((key, updates[i].Revision, ReconcileStatus.Failed(error, now)));
                }
                else
                {
                    _updates++;
                    _retries.Remove(key);
                    if (rows[i].Status.Kind != ReconcileStatusKind.Done)
                    {
                        statuses.Add((key, updates[i].Revision, ReconcileStatus.Done(now)));
                    }
                }
            }
            // Health first: whoever sees a row's new status also sees the counts that include it.
            _pendingCount = 0;
            PublishHealth();
            if (statuses.Count > 0)
            {
                await WriteStatusesAsync(statuses, cancellationToken);
            }
        }
        _pendingCount = 0;
    }

    /// <summary>Runs one operation over <paramref name="rows"/>; returns the error of each row, or null when all succeeded.</summary>
    private async Task<string?[]?> InvokeAsync(
        IReadOnlyList<TRow> rows,
        Func<IReadOnlyList<TRow>, CancellationToken, Task<IReadOnlyList<RowError<TRow>>>>? batch,
        Func<TRow, CancellationToken, Task> single,
        CancellationToken cancellationToken)
    {
        string?[]? errors = null;
        if (batch is null)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                try
                {
                    await single(rows[i], cancellationToken);
                }
                catch (Exception exception) when (IsFailure(exception, cancellationToken))
                {
                    (errors ??= new string?[rows.Count])[i] = Describe(exception);
                }
            }
            return errors;
        }
        for (var offset = 0; offset < rows.Count; offset += _options.MaxBatchSize)
        {
            var count = Math.Min(_options.MaxBatchSize, rows.Count - offset);
            var chunk = offset == 0 && count == rows.Count ? rows : new ArraySegment<TRow>([.. rows.Skip(offset).Take(count)]);
            IReadOnlyList<RowError<TRow>> failed;
            try
            {
                failed = await batch(chunk, cancellationToken);
            }
            catch (Exception exception) when (IsFailure(exception, cancellationToken))
            {
                errors ??= new string?[rows.Count];
                Array.Fill(errors, Describe(exception), offset, count);
                continue;
            }
            if (failed is null || failed.Count == 0)
            {
                continue;
            }
            var positions = new Dictionary<TKey, int>(count, _table.KeyEquality);
            for (var i = 0; i < count; i++)
            {
                positions[_table.KeyOf(chunk[i])] = offset + i;
            }
            foreach (var failure in failed)
            {
                if (positions.TryGetValue(_table.KeyOf(failure.Row), out var position))
                {
                    (errors ??= new string?[rows.Count])[position] = failure.Error;
                }
            }
        }
        return errors;
    }

    private async Task WriteStatusesAsync(List<(TKey Key, long Revision, ReconcileStatus Status)> statuses, CancellationToken cancellationToken)
    {
        using var transaction = await _table.BeginWriteAsync(cancellationToken);
        foreach (var (key, revision, status) in statuses)
        {
            // Only onto the row that was reconciled: a newer row is pending and will get its own status.
            if (transaction.TryGetStored(key, out var current) && current.Revision == revision)
            {
                transaction.Insert(current.Row.WithStatus(status));
            }
        }
        transaction.Commit();
    }

    private void RecordFailure(string error, DateTimeOffset now)
    {
        _failures++;
        _lastError = error;
        _lastErrorAt = now;
    }

    private void PublishHealth()
    {
        var errorCount = _retries.Count;
        var health = new ReconcilerHealth(
            _options.Name,
            errorCount > 0 || _pruneFailing ? HealthLevel.Degraded : HealthLevel.Ok,
            _pendingCount,
            errorCount,
            _pruneFailing,
            _lastError,
            _lastErrorAt,
            _updates,
            _deletes,
            _prunes,
            _failures,
            _lastFull);
        var previous = _health;
        if (health == previous)
        {
            return;
        }
        _health = health;
        if (health.Level != previous.Level)
        {
            LogHealthLevelChanged(_options.Name, health.Level, health.ErrorCount, health.LastError);
        }
        try
        {
            HealthChanged?.Invoke(this, health);
        }
#pragma warning disable CA1031 // A failing metrics callback must not stop reconciliation.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogHealthHandlerFailed(_options.Name, exception);
        }
    }

    private static bool IsFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    private static string Describe(Exception exception) => $"{exception.GetType().Name}: {exception.Message}";
}
