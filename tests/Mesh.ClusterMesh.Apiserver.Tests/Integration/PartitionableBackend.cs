using System.Runtime.CompilerServices;
using Mesh.KvStore.Backend;

namespace Mesh.ClusterMesh.Apiserver.Tests.Integration;

/// <summary>A backend that can be cut off from etcd: while partitioned every call fails as unavailable, like a replica behind a network split.</summary>
internal sealed class PartitionableBackend(IKvBackend inner) : IKvBackend
{
    private volatile bool _partitioned;

    public bool Partitioned
    {
        get => _partitioned;
        set => _partitioned = value;
    }

    public Task<RangeResult> RangeAsync(RangeRequest request, CancellationToken cancellationToken) => Guard(() => inner.RangeAsync(request, cancellationToken));

    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> value, long lease, bool prevKv, CancellationToken cancellationToken) =>
        Guard(() => inner.PutAsync(key, value, lease, prevKv, cancellationToken));

    public Task<DeleteResult> DeleteRangeAsync(string key, string? rangeEnd, bool prevKv, CancellationToken cancellationToken) =>
        Guard(() => inner.DeleteRangeAsync(key, rangeEnd, prevKv, cancellationToken));

    public Task<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken) => Guard(() => inner.TxnAsync(request, cancellationToken));

    public Task CompactAsync(long revision, CancellationToken cancellationToken) => Guard(async () =>
    {
        await inner.CompactAsync(revision, cancellationToken);
        return true;
    });

    public Task<LeaseGrant> LeaseGrantAsync(TimeSpan ttl, CancellationToken cancellationToken) => Guard(() => inner.LeaseGrantAsync(ttl, cancellationToken));

    public Task LeaseRevokeAsync(long lease, CancellationToken cancellationToken) => Guard(async () =>
    {
        await inner.LeaseRevokeAsync(lease, cancellationToken);
        return true;
    });

    public Task<TimeSpan?> LeaseKeepAliveAsync(long lease, CancellationToken cancellationToken) => Guard(() => inner.LeaseKeepAliveAsync(lease, cancellationToken));

    public Task<TimeSpan?> LeaseTimeToLiveAsync(long lease, CancellationToken cancellationToken) => Guard(() => inner.LeaseTimeToLiveAsync(lease, cancellationToken));

    public async IAsyncEnumerable<WatchResponse> WatchAsync(WatchRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Check();
        await foreach (var response in inner.WatchAsync(request, cancellationToken))
        {
            Check();
            yield return response;
        }
    }

    public Task<BackendStatus> StatusAsync(CancellationToken cancellationToken) => Guard(() => inner.StatusAsync(cancellationToken));

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private void Check()
    {
        if (_partitioned)
        {
            throw new KvUnavailableException("partitioned");
        }
    }

    private async Task<T> Guard<T>(Func<Task<T>> call)
    {
        Check();
        return await call();
    }
}
