namespace Mesh.StateDb.Tables;

/// <summary>
/// One change delivered by a <see cref="ChangeIterator{TRow, TKey}"/>: the row as written (or, when
/// <see cref="Deleted"/>, the row as it was before deletion) and the revision of the change.
/// </summary>
public readonly record struct Change<TRow>(TRow Row, long Revision, bool Deleted)
    where TRow : class;
