namespace Mesh.KvStore.Store;

public enum KvEventType
{
    /// <summary>The key was created or changed.</summary>
    Upsert,

    /// <summary>The key was deleted (or vanished while the watch was relisting).</summary>
    Delete,

    /// <summary>The initial list is complete: every key that existed has been reported.</summary>
    ListDone,
}
