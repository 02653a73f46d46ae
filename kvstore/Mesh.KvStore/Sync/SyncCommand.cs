namespace Mesh.KvStore.Sync;

/// <summary>Messages to the <see cref="SyncStore"/> loop, the only owner of its state.</summary>
internal abstract record SyncCommand
{
    private SyncCommand()
    {
    }

    public sealed record Upsert(string Key, ReadOnlyMemory<byte> Value) : SyncCommand;

    public sealed record Delete(string Key) : SyncCommand;

    public sealed record MarkSynced : SyncCommand;

    public sealed record LeaseLost(IReadOnlyList<string> Keys) : SyncCommand;

    public sealed record Retry(string Key) : SyncCommand;

    public sealed record Completed(IReadOnlyList<string> Keys, Exception? Error) : SyncCommand;
}
