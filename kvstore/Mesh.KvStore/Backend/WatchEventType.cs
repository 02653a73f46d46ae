namespace Mesh.KvStore.Backend;

public enum WatchEventType
{
    Put = 0,
    Delete = 1,
}
