namespace Mesh.KvStore.Sync;

/// <summary>A change a <see cref="WatchStore{T}"/> applied: an upsert (with the new value), a delete (with the last value), or the first sync.</summary>
public sealed record WatchStoreChange<T>(WatchStoreChangeKind Kind, string Name, T? Value)
    where T : class;
