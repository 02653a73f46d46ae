namespace Mesh.KvStore.Etcd;

/// <summary>The keys read (in key order), whether more exist beyond the limit, and the total count in the range.</summary>
public sealed record EtcdRangeResult(EtcdHeader Header, IReadOnlyList<EtcdKeyValue> Kvs, bool More, long Count);
