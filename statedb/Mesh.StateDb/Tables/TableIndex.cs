namespace Mesh.StateDb.Tables;

/// <summary>A secondary index definition of rows of type <typeparamref name="TRow"/>; see <see cref="Index{TRow, TIndexKey}"/>.</summary>
public abstract class TableIndex<TRow>
    where TRow : class
{
    private protected TableIndex(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    public string Name { get; }

    internal abstract IndexState<TRow, TKey> CreateEmpty<TKey>()
        where TKey : notnull;

    public override string ToString() => Name;
}
