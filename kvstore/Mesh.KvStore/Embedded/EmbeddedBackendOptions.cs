namespace Mesh.KvStore.Embedded;

/// <summary>Tuning for the in-memory backend.</summary>
public sealed record EmbeddedBackendOptions
{
    /// <summary>Change history kept for watches from a past revision; older entries are compacted automatically.</summary>
    public int HistoryLimit { get; init; } = 1_000_000;

    /// <summary>Leases shorter than this are granted with this TTL, as etcd raises TTLs below its minimum.</summary>
    public TimeSpan MinimumLeaseTtl { get; init; } = TimeSpan.FromSeconds(1);
}
