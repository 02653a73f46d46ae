namespace Mesh.StateDb.Tables;

/// <summary>The immutable content of one secondary index in one table snapshot.</summary>
internal abstract class IndexState<TRow, TKey>
    where TRow : class
    where TKey : notnull
{
    public abstract IndexStateBuilder<TRow, TKey> ToBuilder();
}
