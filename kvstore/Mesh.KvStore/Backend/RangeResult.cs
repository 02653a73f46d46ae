namespace Mesh.KvStore.Backend;

/// <summary>Keys in key order, the store revision the read was served at, and whether the limit cut it short.</summary>
public sealed record RangeResult(IReadOnlyList<KeyValue> Kvs, long Revision, bool More, long Count);
