using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mesh.StateDb.Tables;

/// <summary>
/// A reader's own feed of a table's changes: first the contents at the time it was created (as upserts, in key
/// order), then every later change, coalesced per key so that only the latest change of a key is delivered. A
/// deletion is delivered as the deleted row with <see cref="Change{TRow}.Deleted"/> set and is kept until read, however
/// slow the reader. Iterators are independent; dispose one to stop the table from feeding it.
/// A single consumer calls <see cref="Next"/> / <see cref="WaitAsync"/>; writers never wait for it.
/// </summary>
public sealed class ChangeIterator<TRow, TKey> : IDisposable
    where TRow : class
    where TKey : notnull
{
    private static readonly Comparison<Change<TRow>> ByRevision = static (a, b) => a.Revision.CompareTo(b.Revision);

    private readonly Table<TRow, TKey> _table;
    private readonly object _gate = new();
    private TableSnapshot<TRow, TKey>? _initial;
    private Dictionary<TKey, Change<TRow>> _pending;
    private bool _reordered;
    private TaskCompletionSource? _signal;
    private bool _disposed;

    internal ChangeIterator(Table<TRow, TKey> table, TableSnapshot<TRow, TKey> initial)
    {
        _table = table;
        _initial = initial.Count > 0 ? initial : null;
        _pending = new Dictionary<TKey, Change<TRow>>(table.KeyEquality);
    }

    /// <summary>Whether <see cref="Next"/> would return at least one change.</summary>
    public bool HasChanges
    {
        get
        {
            lock (_gate)
            {
                return _initial is not null || _pending.Count > 0;
            }
        }
    }

    /// <summary>Takes every change available now, in revision order (empty when there is none). Never blocks on writers.</summary>
    public IReadOnlyList<Change<TRow>> Next()
    {
        TableSnapshot<TRow, TKey>? initial;
        Dictionary<TKey, Change<TRow>> pending;
        bool reordered;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_initial is null && _pending.Count == 0)
            {
                return [];
            }
            initial = _initial;
            pending = _pending;
            reordered = _reordered;
            _initial = null;
            _pending = new Dictionary<TKey, Change<TRow>>(_table.KeyEquality);
            _reordered = false;
        }
        // Built outside the lock: writers keep feeding the fresh dictionary meanwhile.
        var batch = new List<Change<TRow>>((initial?.Count ?? 0) + pending.Count);
        if (initial is not null)
        {
            foreach (var entry in initial.Rows.Entries())
            {
                // A later change of the key supersedes its initial content.
                if (!pending.ContainsKey(entry.Key))
                {
                    batch.Add(new Change<TRow>(entry.Value.Row, entry.Value.Revision, Deleted: false));
                }
            }
        }
        var start = batch.Count;
        foreach (var change in pending.Values)
        {
            batch.Add(change);
        }
        if (reordered)
        {
            batch.Sort(start, batch.Count - start, Comparer<Change<TRow>>.Create(ByRevision));
        }
        return batch;
    }

    /// <summary>Completes when <see cref="Next"/> has something to return.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_initial is not null || _pending.Count > 0)
            {
                return Task.CompletedTask;
            }
            _signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            signal = _signal.Task;
        }
        return signal.WaitAsync(cancellationToken);
    }

    /// <summary>Batches of changes as they come, until cancelled.</summary>
    public async IAsyncEnumerable<IReadOnlyList<Change<TRow>>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            await WaitAsync(cancellationToken);
            var batch = Next();
            if (batch.Count > 0)
            {
                yield return batch;
            }
        }
    }

    public void Dispose()
    {
        TaskCompletionSource? signal;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _initial = null;
            _pending.Clear();
            signal = _signal;
            _signal = null;
        }
        _table.Unsubscribe(this);
        signal?.TrySetCanceled();
    }

    /// <summary>Called by the committing writer, in commit order.</summary>
    internal void Push(Dictionary<TKey, Change<TRow>> changes)
    {
        TaskCompletionSource? signal;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            foreach (var (key, change) in changes)
            {
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_pending, key, out var exists);
                // Overwriting keeps the key's first position, so the batch is no longer in revision order.
                _reordered |= exists;
                slot = change;
            }
            signal = _signal;
            _signal = null;
        }
        signal?.TrySetResult();
    }
}
