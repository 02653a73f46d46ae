using Mesh.KvStore.Backend;

namespace Mesh.KvStore.Sync;

/// <summary>What a <see cref="SyncStore"/> owns and how it writes.</summary>
public sealed record SyncStoreOptions
{
    /// <summary>The key prefix this store owns, e.g. <c>cilium/state/nodes/v1</c>; keys are written as <c>prefix/name</c>.</summary>
    public required string Prefix { get; init; }

    /// <summary>The cluster whose data this is: names the canary and labels metrics.</summary>
    public required string SourceCluster { get; init; }

    /// <summary>The canary key written after the initial sync (<c>cilium/synced/&lt;cluster&gt;/&lt;suffix&gt;</c>); null for none.</summary>
    public string? CanaryKey { get; init; }

    /// <summary>Metrics label: what this store writes (e.g. <c>nodes</c>, or <c>cache/ip</c>).</summary>
    public string Scope { get; init; } = "sync";

    /// <summary>
    /// Compares every write transaction must pass (e.g. the owner key's create revision, so a writer that lost
    /// ownership can never write); a refused batch counts as a failed write and is retried with backoff.
    /// </summary>
    public IReadOnlyList<TxnCompare> Guards { get; init; } = [];

    /// <summary>Bind every key to the process's lease (Cilium: yes).</summary>
    public bool WithLease { get; init; } = true;

    /// <summary>Write transactions in flight at once.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Keys per write transaction (etcd's default limit is 128 operations per transaction).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>First retry delay of a failed key; doubles per failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(1);
}
