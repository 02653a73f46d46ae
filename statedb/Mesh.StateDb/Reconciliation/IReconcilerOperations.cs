namespace Mesh.StateDb.Reconciliation;

/// <summary>
/// How a reconciler changes its target (BPF maps, routes, etcd keys). A thrown exception marks the rows of the
/// call failed and is retried; it never stops the reconciler.
/// </summary>
public interface IReconcilerOperations<in TRow>
    where TRow : class
{
    /// <summary>Makes the target hold <paramref name="row"/>. Idempotent: may be called again, also with a newer row.</summary>
    Task UpdateAsync(TRow row, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="row"/> from the target; a row already absent is success.</summary>
    Task DeleteAsync(TRow row, CancellationToken cancellationToken);

    /// <summary>
    /// Removes from the target everything not in <paramref name="desired"/> (the whole table). Called only on a full
    /// reconciliation and only once the table is initialized.
    /// </summary>
    Task PruneAsync(IReadOnlyList<TRow> desired, CancellationToken cancellationToken);
}
