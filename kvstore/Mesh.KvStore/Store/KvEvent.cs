namespace Mesh.KvStore.Store;

/// <summary>One event of <see cref="IKvStore.WatchAsync"/>; ListDone carries no key.</summary>
public sealed record KvEvent(KvEventType Type, string Key, ReadOnlyMemory<byte> Value, long Revision)
{
    public static KvEvent ListDone(long revision) => new(KvEventType.ListDone, string.Empty, ReadOnlyMemory<byte>.Empty, revision);
}
