namespace Mesh.StateDb.Reconciliation;

public enum ReconcileStatusKind
{
    /// <summary>Written by a controller: the target does not reflect this row yet.</summary>
    Pending = 0,

    /// <summary>The reconciler applied this row to the target.</summary>
    Done = 1,

    /// <summary>The last attempt failed; the reconciler retries with backoff.</summary>
    Error = 2,
}
