namespace Mesh.KvStore.Backend;

/// <summary>How many keys a delete removed, at which revision, and (when asked for) their last values.</summary>
public sealed record DeleteResult(long Revision, long Deleted, IReadOnlyList<KeyValue> Previous);
