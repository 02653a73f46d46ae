namespace Mesh.KvStore.Etcd;

public sealed record EtcdPutResult(EtcdHeader Header, EtcdKeyValue? PrevKv);
