namespace Mesh.KvStore.Etcd;

/// <summary>
/// One response of a watch: a creation acknowledgement, a batch of events, a progress notification (no events,
/// <see cref="EtcdHeader.Revision"/> reached), or the final cancellation. A watch whose start revision was compacted
/// ends with <see cref="IsCompacted"/> set: the caller must list again and watch from the list's revision + 1.
/// </summary>
public sealed record EtcdWatchResponse(
    EtcdHeader Header,
    long WatchId,
    bool Created,
    bool Canceled,
    long CompactRevision,
    string CancelReason,
    IReadOnlyList<EtcdEvent> Events)
{
    public bool IsCompacted => Canceled && CompactRevision != 0;

    public bool IsProgressNotify => !Created && !Canceled && Events.Count == 0;
}
