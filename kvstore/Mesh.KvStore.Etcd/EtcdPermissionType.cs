namespace Mesh.KvStore.Etcd;

public enum EtcdPermissionType
{
    Read,
    Write,
    ReadWrite,
}
