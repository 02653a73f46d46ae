namespace Mesh.KvStore.Backend;

/// <summary>
/// etcd v3 semantics: a revisioned key space with ranges, transactions, leases and watches. Implemented by the etcd
/// client and by the embedded in-memory backend; one conformance suite holds both to the same behaviour.
/// </summary>
public interface IKvBackend : IAsyncDisposable
{
    Task<RangeResult> RangeAsync(RangeRequest request, CancellationToken cancellationToken);

    /// <summary>Puts a value; <paramref name="lease"/> 0 means no lease. A dead lease fails with <see cref="KvLeaseNotFoundException"/>.</summary>
    Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> value, long lease, bool prevKv, CancellationToken cancellationToken);

    Task<DeleteResult> DeleteRangeAsync(string key, string? rangeEnd, bool prevKv, CancellationToken cancellationToken);

    Task<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken);

    /// <summary>Drops history before <paramref name="revision"/>; reads and watches below it then fail as compacted.</summary>
    Task CompactAsync(long revision, CancellationToken cancellationToken);

    Task<LeaseGrant> LeaseGrantAsync(TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Revokes a lease and deletes its keys; an unknown lease counts as revoked.</summary>
    Task LeaseRevokeAsync(long lease, CancellationToken cancellationToken);

    /// <summary>Renews a lease; returns its fresh TTL, or null when the lease no longer exists.</summary>
    Task<TimeSpan?> LeaseKeepAliveAsync(long lease, CancellationToken cancellationToken);

    /// <summary>Remaining TTL of a lease, or null when it no longer exists.</summary>
    Task<TimeSpan?> LeaseTimeToLiveAsync(long lease, CancellationToken cancellationToken);

    /// <summary>
    /// Streams changes in revision order. A start revision below the compaction point ends the stream with
    /// <see cref="KvCompactedException"/>; a lost connection with <see cref="KvUnavailableException"/>.
    /// </summary>
    IAsyncEnumerable<WatchResponse> WatchAsync(WatchRequest request, CancellationToken cancellationToken);

    Task<BackendStatus> StatusAsync(CancellationToken cancellationToken);
}
