namespace Mesh.KvStore.Store;

/// <summary>A key, its value and the revision that last modified it.</summary>
public sealed record KvEntry(string Key, ReadOnlyMemory<byte> Value, long ModRevision, long Lease);
