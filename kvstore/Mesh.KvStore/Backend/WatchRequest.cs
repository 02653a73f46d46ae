namespace Mesh.KvStore.Backend;

/// <summary>Watch [Key, RangeEnd) from <see cref="StartRevision"/> (0 = from now on).</summary>
public sealed record WatchRequest(string Key)
{
    public string? RangeEnd { get; init; }

    public long StartRevision { get; init; }

    public bool PrevKv { get; init; }

    public bool ProgressNotify { get; init; }

    public static WatchRequest Prefix(string prefix) => new(prefix) { RangeEnd = KeyRange.PrefixEnd(prefix) };
}
