namespace Mesh.KvStore.Sync;

public enum WatchStoreChangeKind
{
    Upsert,
    Delete,

    /// <summary>The initial list (of this connection) is complete and stale entries were swept.</summary>
    Synced,
}
