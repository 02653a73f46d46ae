namespace Mesh.KvStore.Etcd;

public sealed record EtcdLeaseGrant(EtcdHeader Header, long Id, TimeSpan Ttl);
