namespace Mesh.KvStore.Backend;

/// <summary>A read of one key, or of [Key, RangeEnd) when RangeEnd is set (etcd Range).</summary>
public sealed record RangeRequest(string Key)
{
    /// <summary>Exclusive end of the range; null reads only <see cref="Key"/>. Use <see cref="KeyRange.PrefixEnd"/> for prefixes.</summary>
    public string? RangeEnd { get; init; }

    /// <summary>At most this many keys (0 = no limit); <see cref="RangeResult.More"/> says whether more exist.</summary>
    public long Limit { get; init; }

    /// <summary>Read at this revision (0 = latest). Compacted revisions fail with <see cref="KvCompactedException"/>.</summary>
    public long Revision { get; init; }

    public bool KeysOnly { get; init; }

    public bool CountOnly { get; init; }

    public static RangeRequest Prefix(string prefix) => new(prefix) { RangeEnd = KeyRange.PrefixEnd(prefix) };
}
