namespace Mesh.KvStore.Backend;

/// <summary>Revision the put created and, when asked for, the previous value.</summary>
public sealed record PutResult(long Revision, KeyValue? Previous);
