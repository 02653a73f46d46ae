namespace Mesh.KvStore.Sync;

/// <summary>What a <see cref="WatchStore{T}"/> decoder returns: the value, or why it was refused.</summary>
public readonly record struct WatchStoreDecode<T>(T? Value, string? Error)
    where T : class
{
    public static WatchStoreDecode<T> Accept(T value) => new(value, null);

    public static WatchStoreDecode<T> Reject(string error) => new(null, error);
}
