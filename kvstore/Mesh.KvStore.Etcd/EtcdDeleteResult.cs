namespace Mesh.KvStore.Etcd;

public sealed record EtcdDeleteResult(EtcdHeader Header, long Deleted, IReadOnlyList<EtcdKeyValue> PrevKvs);
