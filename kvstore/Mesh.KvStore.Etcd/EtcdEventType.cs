namespace Mesh.KvStore.Etcd;

public enum EtcdEventType
{
    Put,
    Delete,
}
