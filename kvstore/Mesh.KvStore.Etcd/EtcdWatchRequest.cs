namespace Mesh.KvStore.Etcd;

/// <summary>Watch one key, a prefix or [Key, RangeEnd) from <see cref="StartRevision"/> (0 = from now on).</summary>
public sealed record EtcdWatchRequest(string Key)
{
    public bool Prefix { get; init; }

    public string? RangeEnd { get; init; }

    public long StartRevision { get; init; }

    /// <summary>Events carry the key-value before the change.</summary>
    public bool PrevKv { get; init; }

    /// <summary>etcd sends empty responses periodically telling the revision the watch has caught up to.</summary>
    public bool ProgressNotify { get; init; }

    /// <summary>
    /// After a lost connection, re-create the watch (on the next endpoint, with backoff) from the revision after the
    /// last one delivered, so no event is lost or repeated. When false, the loss ends the watch with Unavailable.
    /// </summary>
    public bool ResumeOnDisconnect { get; init; } = true;

    public static EtcdWatchRequest ForPrefix(string prefix) => new(prefix) { Prefix = true };
}
