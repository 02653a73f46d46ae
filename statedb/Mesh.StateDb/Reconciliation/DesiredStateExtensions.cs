using Mesh.StateDb.Tables;

namespace Mesh.StateDb.Reconciliation;

/// <summary>How controllers write desired-state rows.</summary>
public static class DesiredStateExtensions
{
    /// <summary>
    /// Inserts <paramref name="row"/> as <see cref="ReconcileStatus.Pending"/>, unless the stored row equals it apart
    /// from its status: recomputing unchanged desired state then neither bumps the revision nor makes the reconciler
    /// apply the row again. Returns whether the row was written.
    /// </summary>
    public static bool InsertDesired<TRow, TKey>(this WriteTransaction<TRow, TKey> transaction, TRow row)
        where TRow : class, IReconcilable<TRow>
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(row);
        var pending = row.Status == ReconcileStatus.Pending ? row : row.WithStatus(ReconcileStatus.Pending);
        if (transaction.TryGet(transaction.KeyOf(pending), out var existing)
            && (existing.Status == ReconcileStatus.Pending ? existing : existing.WithStatus(ReconcileStatus.Pending)).Equals(pending))
        {
            return false;
        }
        return transaction.Insert(pending);
    }
}
