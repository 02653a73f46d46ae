namespace Mesh.StateDb.Tables;

/// <summary>A row as stored in a table, with the revision of the write transaction that last wrote it.</summary>
public readonly record struct StoredRow<TRow>(TRow Row, long Revision)
    where TRow : class;
