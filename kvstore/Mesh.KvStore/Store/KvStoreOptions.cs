namespace Mesh.KvStore.Store;

/// <summary>Settings of <see cref="KvStore"/> (defaults are Cilium's).</summary>
public sealed record KvStoreOptions
{
    /// <summary>TTL of data leases (Cilium: 15 min).</summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Keys bound to one lease before a new lease is granted (Cilium: 1000, see etcd issue 15993).</summary>
    public int MaxKeysPerLease { get; init; } = 1000;

    /// <summary>Keys per page when listing (Cilium: 256).</summary>
    public int ListPageSize { get; init; } = 256;

    /// <summary>First retry delay of a watch after an outage; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Returns every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (LeaseTtl < TimeSpan.FromSeconds(1) || LeaseTtl > TimeSpan.FromDays(1))
        {
            errors.Add($"{nameof(LeaseTtl)}: must be between 1 s and 86400 s, got {LeaseTtl.TotalSeconds} s");
        }
        if (MaxKeysPerLease < 1)
        {
            errors.Add($"{nameof(MaxKeysPerLease)}: must be at least 1, got {MaxKeysPerLease}");
        }
        if (ListPageSize < 1)
        {
            errors.Add($"{nameof(ListPageSize)}: must be at least 1, got {ListPageSize}");
        }
        if (InitialRetryDelay <= TimeSpan.Zero || MaxRetryDelay < InitialRetryDelay)
        {
            errors.Add($"{nameof(InitialRetryDelay)}/{nameof(MaxRetryDelay)}: need 0 < initial <= max");
        }
        return errors;
    }
}
