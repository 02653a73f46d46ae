using Mesh.NodeAgent.Host.Metrics;
using Mesh.NodeAgent.Tables;
using Mesh.StateDb.Reconciliation;

namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>
/// Reconciler operations that turn desired rows into map entries, one batched syscall per map and round.
/// Subclasses say which map a row goes to and which entries it consists of.
/// </summary>
/// <typeparam name="TEntry">The desired entry type.</typeparam>
internal abstract class MapOperations<TEntry> : IBatchReconcilerOperations<Desired<TEntry>>
    where TEntry : class
{
    private readonly IReadOnlyList<ProgrammedMap> _maps;

    // Reused from round to round (the reconciler runs one round at a time): a bootstrap round of 65k rows would
    // otherwise allocate megabytes of large-object heap per map and round, and pay for the collections that causes.
    private MapBatch[]? _updates;
    private MapBatch[]? _stale;
    private MapBatch[]? _deletes;

    /// <summary>Rows encoded and written per syscall: their keys and values (tens to hundreds of KiB) stay in the cache.</summary>
    private const int RowsPerChunk = 4096;

    /// <summary>
    /// How many rows ahead the encoding loop asks for a row; its entry is asked for at half the distance and the
    /// objects the entry refers to closer still. Rows are scattered over the heap: waiting for each one's cache misses
    /// in turn cost a fifth of the programming time.
    /// </summary>
    private const int PrefetchDistance = 16;

    // The chunk's entries in row order, for the after-write callbacks (the rows themselves are cold again by then).
    private TEntry[] _chunkEntries = [];

    protected MapOperations(IReadOnlyList<ProgrammedMap> maps) => _maps = maps;

    /// <summary>Told when a row reaches its map, to close the propagation clock of its remote change.</summary>
    public PropagationTracker? Propagation { get; init; }

    /// <summary>Measures how long programming takes (encoding, unchanged-entry filtering, the syscalls), in wall and thread CPU time.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public Task UpdateAsync(Desired<TEntry> row, CancellationToken cancellationToken) =>
        ThrowOnError(UpdateBatchAsync([row], cancellationToken));

    public Task DeleteAsync(Desired<TEntry> row, CancellationToken cancellationToken) =>
        ThrowOnError(DeleteBatchAsync([row], cancellationToken));

    public Task<IReadOnlyList<RowError<Desired<TEntry>>>> UpdateBatchAsync(IReadOnlyList<Desired<TEntry>> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var started = Time.GetTimestamp();
        var cpuStarted = ThreadCpuClock.Now;
        var errors = new List<RowError<Desired<TEntry>>>();
        var entries = new int[_maps.Count];
        var failed = new string?[_maps.Count];
        BeginBatch();
        // Encoded and written a chunk of rows at a time: the chunk's buffers are still in the cache when the kernel
        // copies them in (a 65k-row round encoded whole is megabytes the syscall would read back cold).
        for (var first = 0; first < rows.Count; first += RowsPerChunk)
        {
            var end = Math.Min(rows.Count, first + RowsPerChunk);
            var batches = Reused(ref _updates, Math.Min(rows.Count, RowsPerChunk));
            var stale = Reused(ref _stale, 64);
            var chunk = ReusedEntries(end - first);
            for (var row = first; row < end; row++)
            {
                if (row + PrefetchDistance < end)
                {
                    CachePrefetch.Object(rows[row + PrefetchDistance]);
                }
                if (row + (PrefetchDistance / 2) < end)
                {
                    CachePrefetch.Object(rows[row + (PrefetchDistance / 2)].Entry);
                }
                if (row + (PrefetchDistance / 4) < end)
                {
                    Prefetch(rows[row + (PrefetchDistance / 4)].Entry, depth: 1);
                }
                if (row + (PrefetchDistance / 8) < end)
                {
                    Prefetch(rows[row + (PrefetchDistance / 8)].Entry, depth: 2);
                }
                var entry = rows[row].Entry;
                chunk[row - first] = entry;
                if (NotReady(entry) is { } reason)
                {
                    errors.Add(new RowError<Desired<TEntry>>(rows[row], reason));
                    continue;
                }
                var map = MapIndex(entry);
                if (failed[map] is { } earlier)
                {
                    // An earlier chunk failed on this map: nothing after the failing element is written this round.
                    errors.Add(new RowError<Desired<TEntry>>(rows[row], earlier));
                    continue;
                }
                AppendEntries(entry, row, batches[map]);
                AppendStale(entry, row, stale[map]);
            }
            for (var map = 0; map < _maps.Count; map++)
            {
                entries[map] += batches[map].Count;
                if (_maps[map].Write(batches[map]) is { } failure)
                {
                    // Nothing after the failing element was applied: every row from there on is retried.
                    var failedRows = new SortedSet<int>();
                    for (var i = failure.Index; i < batches[map].Count; i++)
                    {
                        failedRows.Add(batches[map].RowOf(i));
                    }
                    errors.AddRange(failedRows.Select(r => new RowError<Desired<TEntry>>(rows[r], failure.Error)));
                    failed[map] = failure.Error;
                    continue;
                }
                _maps[map].Delete(stale[map]);
                Report(chunk, first, batches[map]);
            }
            Array.Clear(chunk, 0, end - first);
        }
        AttributeTime(entries, started, cpuStarted);
        return Task.FromResult<IReadOnlyList<RowError<Desired<TEntry>>>>(errors);
    }

    /// <summary>Tells the subclass and the propagation clock about each row whose entries in <paramref name="batch"/> were written.</summary>
    private void Report(TEntry[] chunk, int first, MapBatch batch)
    {
        var propagation = Propagation is { Pending: > 0 } tracker ? tracker : null;
        if (propagation is null && !ObservesWrites)
        {
            // Nobody to tell: a bootstrap round would otherwise revisit every row (cold by now) for nothing.
            return;
        }
        BeginWritten();
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                // A row's entries are consecutive: report each row once.
                if (i == 0 || batch.RowOf(i) != batch.RowOf(i - 1))
                {
                    var entry = chunk[batch.RowOf(i) - first];
                    Written(entry);
                    if (propagation is not null && PropagationKey(entry) is { } key)
                    {
                        propagation.Programmed(key);
                    }
                }
            }
        }
        finally
        {
            EndWritten();
        }
    }

    public Task<IReadOnlyList<RowError<Desired<TEntry>>>> DeleteBatchAsync(IReadOnlyList<Desired<TEntry>> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var started = Time.GetTimestamp();
        var cpuStarted = ThreadCpuClock.Now;
        var batches = Reused(ref _deletes, rows.Count);
        var errors = new List<RowError<Desired<TEntry>>>();
        var deleted = new List<Desired<TEntry>>(rows.Count);
        for (var row = 0; row < rows.Count; row++)
        {
            if (NotDeletable(rows[row].Entry) is { } reason)
            {
                errors.Add(new RowError<Desired<TEntry>>(rows[row], reason));
                continue;
            }
            var map = MapIndex(rows[row].Entry);
            AppendDeleted(rows[row].Entry, row, batches[map]);
            deleted.Add(rows[row]);
        }
        for (var map = 0; map < _maps.Count; map++)
        {
            _maps[map].Delete(batches[map]);
        }
        foreach (var row in deleted)
        {
            Removed(row.Entry);
            if (Propagation is { Pending: > 0 } propagation && PropagationKey(row.Entry) is { } key)
            {
                propagation.Programmed(key);
            }
        }
        AttributeTime([.. batches.Select(b => b.Count)], started, cpuStarted);
        return Task.FromResult<IReadOnlyList<RowError<Desired<TEntry>>>>(errors);
    }

    public Task PruneAsync(IReadOnlyList<Desired<TEntry>> desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var batches = NewBatches(desired.Count);
        for (var row = 0; row < desired.Count; row++)
        {
            AppendEntries(desired[row].Entry, row, batches[MapIndex(desired[row].Entry)]);
        }
        for (var map = 0; map < _maps.Count; map++)
        {
            var keep = new HashSet<EntryBytes>(batches[map].Count);
            for (var i = 0; i < batches[map].Count; i++)
            {
                keep.Add(EntryBytes.From(batches[map].Key(i)));
            }
            var index = map;
            _maps[map].Prune((key, _) =>
            {
                if (keep.Contains(EntryBytes.From(key)) || KeptOnPrune(index, key))
                {
                    return true;
                }
                Pruning(index, key);
                return false;
            });
        }
        return Task.CompletedTask;
    }

    /// <summary>Index into the maps given to the constructor.</summary>
    protected abstract int MapIndex(TEntry entry);

    /// <summary>Appends every map entry the row consists of, in the order they must be written.</summary>
    protected abstract void AppendEntries(TEntry entry, int row, MapBatch batch);

    /// <summary>Appends the keys to delete when the row is deleted.</summary>
    protected abstract void AppendDeleted(TEntry entry, int row, MapBatch batch);

    /// <summary>
    /// Prefetches the objects encoding the entry reads (see <see cref="CachePrefetch"/>): those it refers to directly
    /// at depth 1, a few rows ahead, and the ones those refer to at depth 2, closer (their referrers are loaded by then).
    /// </summary>
    protected virtual void Prefetch(TEntry entry, int depth)
    {
    }

    /// <summary>Appends keys an earlier version of the row wrote that the new one no longer has.</summary>
    protected virtual void AppendStale(TEntry entry, int row, MapBatch batch)
    {
    }

    /// <summary>
    /// Whether an entry no desired row claims must still stay in map <paramref name="map"/> for now (a later full
    /// reconciliation prunes it once nothing needs it).
    /// </summary>
    protected virtual bool KeptOnPrune(int map, ReadOnlySpan<byte> key) => false;

    /// <summary>Called for each entry a prune is about to delete from map <paramref name="map"/>.</summary>
    protected virtual void Pruning(int map, ReadOnlySpan<byte> key)
    {
    }

    /// <summary>Called before a batch of updates is encoded.</summary>
    protected virtual void BeginBatch()
    {
    }

    /// <summary>Why the row cannot be written yet (it is retried with backoff), or null.</summary>
    protected virtual string? NotReady(TEntry entry) => null;

    /// <summary>Why the row cannot be deleted yet (it is retried with backoff), or null.</summary>
    protected virtual string? NotDeletable(TEntry entry) => null;

    /// <summary>Whether the subclass overrides <see cref="Written(TEntry)"/> (the rows are revisited after each write for it).</summary>
    protected virtual bool ObservesWrites => false;

    /// <summary>Called once per row whose entries were all written, when <see cref="ObservesWrites"/>.</summary>
    protected virtual void Written(TEntry entry)
    {
    }

    /// <summary>Called once per round and map before the <see cref="Written(TEntry)"/> calls (to take a lock once).</summary>
    protected virtual void BeginWritten()
    {
    }

    /// <summary>Called after the round's <see cref="Written(TEntry)"/> calls, also when one threw.</summary>
    protected virtual void EndWritten()
    {
    }

    /// <summary>Called for a deleted row.</summary>
    protected virtual void Removed(TEntry entry)
    {
    }

    /// <summary>What a remote change about this row is keyed by in <see cref="Propagation"/>, or null.</summary>
    protected virtual object? PropagationKey(TEntry entry) => null;

    /// <summary>Shares the round's time among the maps in proportion to the entries each got.</summary>
    private void AttributeTime(int[] entries, long started, TimeSpan cpuStarted)
    {
        var elapsed = Time.GetElapsedTime(started);
        var cpu = ThreadCpuClock.Now - cpuStarted;
        var total = entries.Sum();
        if (total == 0)
        {
            return;
        }
        for (var map = 0; map < _maps.Count; map++)
        {
            if (entries[map] > 0)
            {
                _maps[map].AddProgrammingTime(elapsed * entries[map] / total, cpu * entries[map] / total);
            }
        }
    }

    private TEntry[] ReusedEntries(int count)
    {
        if (_chunkEntries.Length < count)
        {
            _chunkEntries = new TEntry[Math.Max(count, RowsPerChunk)];
        }
        return _chunkEntries;
    }

    /// <summary>The cached batches emptied, created on first use.</summary>
    private MapBatch[] Reused(ref MapBatch[]? cache, int capacity)
    {
        if (cache is null)
        {
            cache = NewBatches(capacity);
            return cache;
        }
        foreach (var batch in cache)
        {
            batch.Clear();
        }
        return cache;
    }

    /// <param name="capacity">Entries the round is expected to hold per map (rows for the first map, a few for the others).</param>
    private MapBatch[] NewBatches(int capacity)
    {
        var batches = new MapBatch[_maps.Count];
        for (var i = 0; i < batches.Length; i++)
        {
            batches[i] = new MapBatch(_maps[i].Handle.Descriptor.KeySize, _maps[i].Handle.Descriptor.ValueSize, i == 0 ? capacity : 64);
        }
        return batches;
    }

    private static async Task ThrowOnError(Task<IReadOnlyList<RowError<Desired<TEntry>>>> call)
    {
        var errors = await call.ConfigureAwait(false);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(errors[0].Error);
        }
    }
}
