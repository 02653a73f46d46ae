using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Mesh.StateDb.Tables;

/// <summary>
/// An immutable view of a table at one revision. Reading it takes no lock and later writes never show through,
/// so a reader may keep it as long as it likes.
/// </summary>
public sealed class TableSnapshot<TRow, TKey>
    where TRow : class
    where TKey : notnull
{
    private readonly RowMap<TKey, StoredRow<TRow>> _rows;
    private readonly ImmutableArray<TableIndex<TRow>> _definitions;
    private readonly ImmutableArray<IndexState<TRow, TKey>> _indexes;

    internal TableSnapshot(
        string tableName,
        long revision,
        bool initialized,
        RowMap<TKey, StoredRow<TRow>> rows,
        ImmutableArray<TableIndex<TRow>> definitions,
        ImmutableArray<IndexState<TRow, TKey>> indexes)
    {
        TableName = tableName;
        Revision = revision;
        Initialized = initialized;
        _rows = rows;
        _definitions = definitions;
        _indexes = indexes;
    }

    public string TableName { get; }

    /// <summary>Revision of the last write transaction that changed a row; 0 for a table never written.</summary>
    public long Revision { get; }

    /// <summary>Whether every registered initializer had completed when this snapshot was published.</summary>
    public bool Initialized { get; }

    public int Count => _rows.Count;

    internal RowMap<TKey, StoredRow<TRow>> Rows => _rows;

    internal ImmutableArray<IndexState<TRow, TKey>> Indexes => _indexes;

    internal ImmutableArray<TableIndex<TRow>> Definitions => _definitions;

    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TRow row)
    {
        if (_rows.TryGetValue(key, out var stored))
        {
            row = stored.Row;
            return true;
        }
        row = null;
        return false;
    }

    /// <summary>The row under <paramref name="key"/> with the revision it was written at.</summary>
    public bool TryGetStored(TKey key, out StoredRow<TRow> stored) => _rows.TryGetValue(key, out stored);

    public bool Contains(TKey key) => _rows.TryGetValue(key, out _);

    /// <summary>Every row, ordered by key when the table has a key comparer, otherwise in a stable hash order.</summary>
    public IEnumerable<TRow> All()
    {
        foreach (var entry in _rows.Entries())
        {
            yield return entry.Value.Row;
        }
    }

    /// <summary>Like <see cref="All"/>, with the revision of every row.</summary>
    public IEnumerable<StoredRow<TRow>> AllStored()
    {
        foreach (var entry in _rows.Entries())
        {
            yield return entry.Value;
        }
    }

    /// <summary>Rows that <paramref name="index"/> files under <paramref name="indexKey"/>; empty when none.</summary>
    /// <exception cref="ArgumentException">The index is not one of this table's indexes.</exception>
    public IEnumerable<TRow> ByIndex<TIndexKey>(Index<TRow, TIndexKey> index, TIndexKey indexKey)
        where TIndexKey : notnull
    {
        ArgumentNullException.ThrowIfNull(index);
        var state = (SecondaryIndexState<TRow, TKey, TIndexKey>)_indexes[PositionOf(index)];
        return state.Map.TryGetValue(indexKey, out var keys) ? Rows(keys) : [];

        IEnumerable<TRow> Rows(HashTrie<TKey, bool> keys)
        {
            foreach (var key in keys.Keys())
            {
                if (_rows.TryGetValue(key, out var stored))
                {
                    yield return stored.Row;
                }
            }
        }
    }

    /// <summary>Number of rows under <paramref name="indexKey"/>, without enumerating them.</summary>
    public int CountByIndex<TIndexKey>(Index<TRow, TIndexKey> index, TIndexKey indexKey)
        where TIndexKey : notnull
    {
        ArgumentNullException.ThrowIfNull(index);
        var state = (SecondaryIndexState<TRow, TKey, TIndexKey>)_indexes[PositionOf(index)];
        return state.Map.TryGetValue(indexKey, out var keys) ? keys.Count : 0;
    }

    private int PositionOf(TableIndex<TRow> index)
    {
        for (var i = 0; i < _definitions.Length; i++)
        {
            if (ReferenceEquals(_definitions[i], index))
            {
                return i;
            }
        }
        throw new ArgumentException($"index '{index.Name}' does not belong to table '{TableName}'", nameof(index));
    }
}
