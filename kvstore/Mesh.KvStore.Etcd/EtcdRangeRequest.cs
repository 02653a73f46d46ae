namespace Mesh.KvStore.Etcd;

/// <summary>A Range over one key, a prefix, or [Key, RangeEnd).</summary>
public sealed record EtcdRangeRequest(string Key)
{
    /// <summary>Read every key starting with <see cref="Key"/> (overrides <see cref="RangeEnd"/>).</summary>
    public bool Prefix { get; init; }

    /// <summary>Exclusive end of the range; null reads only <see cref="Key"/>; <see cref="EtcdKeys.AllFromKey"/> reads from Key on.</summary>
    public string? RangeEnd { get; init; }

    /// <summary>At most this many keys (0 = all); <see cref="EtcdRangeResult.More"/> says whether more exist.</summary>
    public long Limit { get; init; }

    /// <summary>Read at this revision (0 = latest).</summary>
    public long Revision { get; init; }

    public bool KeysOnly { get; init; }

    public bool CountOnly { get; init; }

    /// <summary>Serve from the contacted member without a quorum read.</summary>
    public bool Serializable { get; init; }

    public static EtcdRangeRequest ForPrefix(string prefix) => new(prefix) { Prefix = true };
}
