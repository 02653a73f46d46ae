namespace Mesh.StateDb.Tables;

/// <summary>
/// A non-unique secondary index: each row is reachable under every index key the selector returns for it.
/// Pass the same instance to the table constructor and to <see cref="TableSnapshot{TRow, TKey}.ByIndex"/>.
/// </summary>
public sealed class Index<TRow, TIndexKey> : TableIndex<TRow>
    where TRow : class
    where TIndexKey : notnull
{
    private Index(string name, Func<TRow, TIndexKey>? single, Func<TRow, IEnumerable<TIndexKey>>? multiple)
        : base(name)
    {
        Single = single;
        Multiple = multiple;
    }

    internal Func<TRow, TIndexKey>? Single { get; }

    internal Func<TRow, IEnumerable<TIndexKey>>? Multiple { get; }

    /// <summary>An index with exactly one key per row.</summary>
    public static Index<TRow, TIndexKey> Create(string name, Func<TRow, TIndexKey> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return new Index<TRow, TIndexKey>(name, selector, null);
    }

    /// <summary>An index with any number of keys per row (none leaves the row out of the index).</summary>
    public static Index<TRow, TIndexKey> CreateMulti(string name, Func<TRow, IEnumerable<TIndexKey>> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return new Index<TRow, TIndexKey>(name, null, selector);
    }

    internal override IndexState<TRow, TKey> CreateEmpty<TKey>() => SecondaryIndexState<TRow, TKey, TIndexKey>.Empty(this);
}
