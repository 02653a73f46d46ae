namespace Mesh.KvStore.Backend;

/// <summary>
/// A batch of events from one revision onward, or a progress notification (no events) telling that the store
/// reached <see cref="Revision"/>.
/// </summary>
public sealed record WatchResponse(long Revision, IReadOnlyList<WatchEvent> Events)
{
    public bool IsProgressNotify => Events.Count == 0;
}
