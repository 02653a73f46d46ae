namespace Mesh.KvStore.Etcd;

/// <summary>One stored key (mvccpb.KeyValue); keys are UTF-8 text, values raw bytes.</summary>
public sealed record EtcdKeyValue(string Key, ReadOnlyMemory<byte> Value, long CreateRevision, long ModRevision, long Version, long Lease);
