namespace Mesh.StateDb.Reconciliation;

/// <summary>A row a batch operation could not apply, and why.</summary>
public readonly record struct RowError<TRow>(TRow Row, string Error)
    where TRow : class;
