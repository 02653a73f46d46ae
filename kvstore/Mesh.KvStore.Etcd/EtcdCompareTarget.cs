namespace Mesh.KvStore.Etcd;

public enum EtcdCompareTarget
{
    Version,
    CreateRevision,
    ModRevision,
    Value,
    Lease,
}
