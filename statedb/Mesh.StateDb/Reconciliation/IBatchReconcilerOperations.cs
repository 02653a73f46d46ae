namespace Mesh.StateDb.Reconciliation;

/// <summary>
/// Operations that apply many rows in one call (BPF batch map updates). When the operations implement this, every
/// round of changes becomes one call per kind, split only at <see cref="ReconcilerOptions.MaxBatchSize"/>.
/// </summary>
public interface IBatchReconcilerOperations<TRow> : IReconcilerOperations<TRow>
    where TRow : class
{
    /// <summary>Applies every row; returns the rows that failed, each with its reason (empty when all succeeded).</summary>
    Task<IReadOnlyList<RowError<TRow>>> UpdateBatchAsync(IReadOnlyList<TRow> rows, CancellationToken cancellationToken);

    /// <summary>Removes every row (absent is success); returns the rows that failed, each with its reason.</summary>
    Task<IReadOnlyList<RowError<TRow>>> DeleteBatchAsync(IReadOnlyList<TRow> rows, CancellationToken cancellationToken);
}
