namespace Mesh.KvStore.Backend;

/// <summary>One stored key as etcd describes it (mvccpb.KeyValue).</summary>
/// <param name="Key">The key (UTF-8 in etcd).</param>
/// <param name="Value">The raw value bytes.</param>
/// <param name="CreateRevision">Revision of the last creation of this key.</param>
/// <param name="ModRevision">Revision of the last modification.</param>
/// <param name="Version">Number of modifications since creation (1 after the first put).</param>
/// <param name="Lease">Lease the key is bound to, or 0.</param>
public sealed record KeyValue(string Key, ReadOnlyMemory<byte> Value, long CreateRevision, long ModRevision, long Version, long Lease);
