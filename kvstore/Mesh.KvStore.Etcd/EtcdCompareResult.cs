namespace Mesh.KvStore.Etcd;

public enum EtcdCompareResult
{
    Equal,
    Greater,
    Less,
    NotEqual,
}
