namespace Mesh.StateDb.Tables;

/// <summary>
/// One source of a table (a Kubernetes informer, a kvstore watch) that has yet to finish its initial sync.
/// Call <see cref="Done"/> (or <see cref="WriteTransaction{TRow, TKey}.MarkDone"/> inside the transaction that
/// writes the last initial rows) once it has; the table is initialized when every initializer is done.
/// </summary>
public sealed class TableInitializer
{
    private readonly IInitializerOwner _owner;
    private volatile bool _done;

    internal TableInitializer(IInitializerOwner owner, string name)
    {
        _owner = owner;
        Name = name;
    }

    public string Name { get; }

    public bool IsDone => _done;

    /// <summary>Marks this source synced; idempotent. Must not be called inside a write transaction of the same table.</summary>
    public void Done() => _owner.Complete(this);

    internal void MarkDone() => _done = true;

    public override string ToString() => Name;
}
