using System.Diagnostics.CodeAnalysis;

namespace Mesh.StateDb.Tables;

/// <summary>
/// The single writer of a table. Changes are visible to this transaction at once and to everyone else after
/// <see cref="Commit"/>, atomically; disposing without committing discards them. Every row written gets
/// <see cref="Revision"/>. Not thread-safe: one transaction belongs to one logical flow.
/// </summary>
public sealed class WriteTransaction<TRow, TKey> : IDisposable
    where TRow : class
    where TKey : notnull
{
    private readonly Table<TRow, TKey> _table;
    private readonly TableSnapshot<TRow, TKey> _base;
    private RowMap<TKey, StoredRow<TRow>>.Builder? _rows;
    private IndexStateBuilder<TRow, TKey>[]? _indexes;
    private Dictionary<TKey, Change<TRow>>? _changes;
    private List<TableInitializer>? _completing;
    private bool _finished;
    private bool _released;

    internal WriteTransaction(Table<TRow, TKey> table, TableSnapshot<TRow, TKey> snapshot)
    {
        _table = table;
        _base = snapshot;
    }

    /// <summary>The revision rows written by this transaction carry once committed.</summary>
    public long Revision => _base.Revision + 1;

    /// <summary>Number of rows as seen by this transaction.</summary>
    public int Count => _rows?.Count ?? _base.Count;

    public TKey KeyOf(TRow row) => _table.KeyOf(row);

    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TRow row)
    {
        if (TryGetStored(key, out var stored))
        {
            row = stored.Row;
            return true;
        }
        row = null;
        return false;
    }

    public bool TryGetStored(TKey key, out StoredRow<TRow> stored)
    {
        ThrowIfFinished();
        return _rows is null ? _base.Rows.TryGetValue(key, out stored) : _rows.TryGetValue(key, out stored);
    }

    /// <summary>Every row as seen by this transaction.</summary>
    public IEnumerable<TRow> All()
    {
        ThrowIfFinished();
        foreach (var entry in _rows is null ? _base.Rows.Entries() : _rows.Entries())
        {
            yield return entry.Value.Row;
        }
    }

    /// <summary>
    /// Inserts or replaces the row under its primary key. Returns false, writing nothing, when an equal row is
    /// already stored: unchanged input costs no revision and no change.
    /// </summary>
    public bool Insert(TRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        ThrowIfFinished();
        var key = _table.KeyOf(row);
        var existed = TryGetStored(key, out var previous);
        if (existed && EqualityComparer<TRow>.Default.Equals(previous.Row, row))
        {
            return false;
        }
        var (rows, indexes) = EnsureBuilders();
        rows.Set(key, new StoredRow<TRow>(row, Revision));
        foreach (var index in indexes)
        {
            if (existed)
            {
                index.Replace(previous.Row, row, key);
            }
            else
            {
                index.Add(row, key);
            }
        }
        RecordChange(key, new Change<TRow>(row, Revision, Deleted: false));
        return true;
    }

    /// <summary>
    /// Replaces the row under the same key only if it is still at <paramref name="expectedRevision"/> (nobody wrote it
    /// since it was read). Returns whether the revision matched.
    /// </summary>
    public bool CompareAndSwap(TRow row, long expectedRevision)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (!TryGetStored(_table.KeyOf(row), out var current) || current.Revision != expectedRevision)
        {
            return false;
        }
        Insert(row);
        return true;
    }

    /// <summary>Deletes the row under <paramref name="key"/>; returns false when there was none.</summary>
    public bool Delete(TKey key)
    {
        if (!TryGetStored(key, out var previous))
        {
            return false;
        }
        var (rows, indexes) = EnsureBuilders();
        rows.Remove(key);
        foreach (var index in indexes)
        {
            index.Remove(previous.Row, key);
        }
        RecordChange(key, new Change<TRow>(previous.Row, Revision, Deleted: true));
        return true;
    }

    /// <summary>Deletes every row; returns how many.</summary>
    public int DeleteAll() => DeleteWhere(static _ => true);

    /// <summary>Deletes every row matching <paramref name="predicate"/>; returns how many.</summary>
    public int DeleteWhere(Func<TRow, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var keys = new List<TKey>();
        foreach (var row in All())
        {
            if (predicate(row))
            {
                keys.Add(_table.KeyOf(row));
            }
        }
        foreach (var key in keys)
        {
            Delete(key);
        }
        return keys.Count;
    }

    /// <summary>
    /// Marks <paramref name="initializer"/> done when this transaction commits, so the first snapshot that reports
    /// the table initialized also holds the rows of the initial sync.
    /// </summary>
    public void MarkDone(TableInitializer initializer)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        ThrowIfFinished();
        (_completing ??= []).Add(initializer);
    }

    /// <summary>Publishes the changes as one new snapshot; a transaction that changed nothing keeps the revision.</summary>
    public void Commit()
    {
        ThrowIfFinished();
        _finished = true;
        try
        {
            TableSnapshot<TRow, TKey>? next = null;
            if (_changes is { Count: > 0 })
            {
                var indexes = new IndexState<TRow, TKey>[_indexes!.Length];
                for (var i = 0; i < indexes.Length; i++)
                {
                    indexes[i] = _indexes[i].ToImmutable();
                }
                next = new TableSnapshot<TRow, TKey>(
                    _base.TableName, Revision, _base.Initialized, _rows!.ToImmutable(), _table.Indexes, [.. indexes]);
            }
            _table.Publish(next, _changes, _completing);
        }
        finally
        {
            Release();
        }
    }

    public void Dispose()
    {
        _finished = true;
        Release();
    }

    private void Release()
    {
        if (!_released)
        {
            _released = true;
            _table.ReleaseWriter();
        }
    }

    private (RowMap<TKey, StoredRow<TRow>>.Builder Rows, IndexStateBuilder<TRow, TKey>[] Indexes) EnsureBuilders()
    {
        if (_rows is null)
        {
            _rows = _base.Rows.ToBuilder();
            _indexes = new IndexStateBuilder<TRow, TKey>[_base.Indexes.Length];
            for (var i = 0; i < _indexes.Length; i++)
            {
                _indexes[i] = _base.Indexes[i].ToBuilder();
            }
        }
        return (_rows, _indexes!);
    }

    private void RecordChange(TKey key, Change<TRow> change)
    {
        // Keyed so that several writes of one key in a transaction reach change iterators as one change.
        (_changes ??= new Dictionary<TKey, Change<TRow>>(_table.KeyEquality))[key] = change;
    }

    private void ThrowIfFinished() => ObjectDisposedException.ThrowIf(_finished, this);
}
