namespace Mesh.KvStore.Etcd;

/// <summary>
/// An etcd v3 client (KV, Watch, Lease, Auth, Maintenance) over Mesh's gRPC transport. Failed calls surface as
/// <see cref="Mesh.Grpc.GrpcException"/> with etcd's status and message (see <see cref="EtcdErrors"/>); Unavailable is
/// retried with backoff on the next endpoint first (reads always, writes only when the request never left).
/// Caller cancellation surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
public interface IEtcdClient : IAsyncDisposable
{
    /// <summary>The endpoint calls currently go to.</summary>
    Uri CurrentEndpoint { get; }

    Task<EtcdRangeResult> RangeAsync(EtcdRangeRequest request, CancellationToken cancellationToken = default);

    Task<EtcdPutResult> PutAsync(EtcdPutRequest request, CancellationToken cancellationToken = default);

    Task<EtcdDeleteResult> DeleteAsync(EtcdDeleteRequest request, CancellationToken cancellationToken = default);

    Task<EtcdTxnResult> TxnAsync(EtcdTxnRequest request, CancellationToken cancellationToken = default);

    /// <summary>Compacts history before <paramref name="revision"/>; <paramref name="physical"/> waits until it is removed from disk.</summary>
    Task<EtcdHeader> CompactAsync(long revision, bool physical = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// One watch on its own HTTP/2 stream: yields the creation acknowledgement, then event batches and progress
    /// notifications, until the caller stops enumerating (the watch is cancelled on the server) or etcd cancels it
    /// (the last response has <see cref="EtcdWatchResponse.Canceled"/>; <see cref="EtcdWatchResponse.IsCompacted"/>
    /// means: relist). Lost connections are resumed transparently unless <see cref="EtcdWatchRequest.ResumeOnDisconnect"/> is false.
    /// </summary>
    IAsyncEnumerable<EtcdWatchResponse> WatchAsync(EtcdWatchRequest request, CancellationToken cancellationToken = default);

    Task<EtcdLeaseGrant> LeaseGrantAsync(TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Revokes a lease, deleting its keys. An unknown lease fails with NotFound (<see cref="EtcdErrors.IsLeaseNotFound"/>).</summary>
    Task<EtcdHeader> LeaseRevokeAsync(long leaseId, CancellationToken cancellationToken = default);

    /// <summary>Renews a lease once; <see cref="EtcdLeaseKeepAlive.IsExpired"/> when it no longer exists.</summary>
    Task<EtcdLeaseKeepAlive> LeaseKeepAliveOnceAsync(long leaseId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps a lease alive on one keep-alive stream, renewing every third of its TTL and yielding each answer, until
    /// the caller stops or the lease is gone (the last item has <see cref="EtcdLeaseKeepAlive.IsExpired"/>). Lost
    /// connections are re-established with backoff.
    /// </summary>
    IAsyncEnumerable<EtcdLeaseKeepAlive> LeaseKeepAliveAsync(long leaseId, CancellationToken cancellationToken = default);

    Task<EtcdLeaseTimeToLive> LeaseTimeToLiveAsync(long leaseId, bool keys = false, CancellationToken cancellationToken = default);

    /// <summary>Gets a token for the configured user now (it is otherwise fetched on first use and on invalid-token errors).</summary>
    Task AuthenticateAsync(CancellationToken cancellationToken = default);

    Task UserAddAsync(string name, string password, CancellationToken cancellationToken = default);

    Task RoleAddAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Grants <paramref name="role"/> access to [key, rangeEnd) (rangeEnd null: the key only).</summary>
    Task RoleGrantPermissionAsync(string role, EtcdPermissionType type, string key, string? rangeEnd, CancellationToken cancellationToken = default);

    Task UserGrantRoleAsync(string user, string role, CancellationToken cancellationToken = default);

    Task AuthEnableAsync(CancellationToken cancellationToken = default);

    Task AuthDisableAsync(CancellationToken cancellationToken = default);

    Task<EtcdStatus> StatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Switches the rate limit from <see cref="EtcdClientOptions.BootstrapQps"/> to <see cref="EtcdClientOptions.Qps"/>.</summary>
    void MarkInitialSyncDone();
}
