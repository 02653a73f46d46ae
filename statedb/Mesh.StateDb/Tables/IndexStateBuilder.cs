namespace Mesh.StateDb.Tables;

/// <summary>Index maintenance inside one write transaction.</summary>
internal abstract class IndexStateBuilder<TRow, TKey>
    where TRow : class
    where TKey : notnull
{
    public abstract void Add(TRow row, TKey key);

    public abstract void Remove(TRow row, TKey key);

    public abstract void Replace(TRow previous, TRow row, TKey key);

    public abstract IndexState<TRow, TKey> ToImmutable();
}
