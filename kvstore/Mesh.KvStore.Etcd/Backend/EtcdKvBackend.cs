using System.Runtime.CompilerServices;
using Mesh.Grpc;
using Mesh.KvStore.Backend;

namespace Mesh.KvStore.Etcd.Backend;

/// <summary>
/// <see cref="IKvBackend"/> on a real etcd: maps requests onto <see cref="IEtcdClient"/> and etcd's errors onto the
/// backend's typed failures (unavailable, compacted, lease not found).
/// </summary>
public sealed class EtcdKvBackend : IKvBackend
{
    private readonly IEtcdClient _client;
    private readonly bool _ownsClient;

    public EtcdKvBackend(IEtcdClient client, bool ownsClient = true)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _ownsClient = ownsClient;
    }

    public IEtcdClient Client => _client;

    public async Task<RangeResult> RangeAsync(RangeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await CallAsync(() => _client.RangeAsync(ToEtcd(request), cancellationToken), request.Revision);
        return ToRange(result);
    }

    public async Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> value, long lease, bool prevKv, CancellationToken cancellationToken)
    {
        var result = await CallAsync(() => _client.PutAsync(new EtcdPutRequest(key, value) { Lease = lease, PrevKv = prevKv }, cancellationToken), 0, lease);
        return new PutResult(result.Header.Revision, result.PrevKv is { } previous ? ToKv(previous) : null);
    }

    public async Task<DeleteResult> DeleteRangeAsync(string key, string? rangeEnd, bool prevKv, CancellationToken cancellationToken)
    {
        var result = await CallAsync(() => _client.DeleteAsync(new EtcdDeleteRequest(key) { RangeEnd = rangeEnd, PrevKv = prevKv }, cancellationToken));
        return new DeleteResult(result.Header.Revision, result.Deleted, [.. result.PrevKvs.Select(ToKv)]);
    }

    public async Task<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var lease = request.Success.Concat(request.Failure).OfType<TxnOperation.Put>().Select(p => p.Lease).FirstOrDefault(l => l != 0);
        var etcd = new EtcdTxnRequest(
            [.. request.Compares.Select(ToEtcd)],
            [.. request.Success.Select(ToEtcd)],
            [.. request.Failure.Select(ToEtcd)])
        {
            // Only ranges' results are handed back; a transaction of puts and deletes needs none of etcd's.
            WithoutResults = !request.Success.Concat(request.Failure).Any(o => o is TxnOperation.Get),
        };
        var result = await CallAsync(() => _client.TxnAsync(etcd, cancellationToken), 0, lease);
        var reads = result.Responses.Where(r => r.Range is not null).Select(r => ToRange(r.Range!)).ToArray();
        return new TxnResult(result.Succeeded, result.Header.Revision, reads);
    }

    public async Task CompactAsync(long revision, CancellationToken cancellationToken) =>
        await CallAsync(() => _client.CompactAsync(revision, physical: false, cancellationToken), revision);

    public async Task<LeaseGrant> LeaseGrantAsync(TimeSpan ttl, CancellationToken cancellationToken)
    {
        var grant = await CallAsync(() => _client.LeaseGrantAsync(ttl, cancellationToken));
        return new LeaseGrant(grant.Id, grant.Ttl);
    }

    public async Task LeaseRevokeAsync(long lease, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(() => _client.LeaseRevokeAsync(lease, cancellationToken));
        }
        catch (KvLeaseNotFoundException)
        {
            // Already gone counts as revoked.
        }
    }

    public async Task<TimeSpan?> LeaseKeepAliveAsync(long lease, CancellationToken cancellationToken)
    {
        var answer = await CallAsync(() => _client.LeaseKeepAliveOnceAsync(lease, cancellationToken));
        return answer.IsExpired ? null : answer.Ttl;
    }

    public async Task<TimeSpan?> LeaseTimeToLiveAsync(long lease, CancellationToken cancellationToken)
    {
        var answer = await CallAsync(() => _client.LeaseTimeToLiveAsync(lease, keys: false, cancellationToken));
        return answer.IsExpired ? null : answer.Ttl;
    }

    public async IAsyncEnumerable<WatchResponse> WatchAsync(WatchRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var etcd = new EtcdWatchRequest(request.Key)
        {
            RangeEnd = request.RangeEnd,
            StartRevision = request.StartRevision,
            PrevKv = request.PrevKv,
            ProgressNotify = request.ProgressNotify,
        };
        await using var stream = _client.WatchAsync(etcd, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            EtcdWatchResponse response;
            try
            {
                if (!await stream.MoveNextAsync())
                {
                    yield break;
                }
                response = stream.Current;
            }
            catch (GrpcException e)
            {
                throw Translate(e, request.StartRevision, 0);
            }
            if (response.IsCompacted)
            {
                throw new KvCompactedException(request.StartRevision, response.CompactRevision);
            }
            if (response.Canceled)
            {
                throw new KvUnavailableException($"etcd cancelled the watch of {request.Key}: {response.CancelReason}");
            }
            if (response.Created)
            {
                continue;
            }
            yield return new WatchResponse(response.Header.Revision, [.. response.Events.Select(ToEvent)]);
        }
    }

    public async Task<BackendStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var status = await CallAsync(() => _client.StatusAsync(cancellationToken));
        return new BackendStatus(status.Version, status.ClusterId, status.MemberId, status.Revision, status.DbSize, status.Leader);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsClient)
        {
            await _client.DisposeAsync();
        }
    }

    private static async Task<T> CallAsync<T>(Func<Task<T>> call, long revision = 0, long lease = 0)
    {
        try
        {
            return await call();
        }
        catch (GrpcException e)
        {
            throw Translate(e, revision, lease);
        }
    }

    private static Exception Translate(GrpcException error, long revision, long lease)
    {
        if (EtcdErrors.IsCompacted(error))
        {
            return new KvCompactedException(revision, 0);
        }
        if (EtcdErrors.IsLeaseNotFound(error))
        {
            return new KvLeaseNotFoundException(lease);
        }
        if (EtcdErrors.IsFutureRevision(error))
        {
            return new ArgumentOutOfRangeException(nameof(revision), revision, error.StatusMessage);
        }
        if (error.IsRetryable || error.StatusCode == GrpcStatusCode.DeadlineExceeded)
        {
            return new KvUnavailableException($"etcd unavailable: {error.StatusMessage}", error);
        }
        return error;
    }

    private static EtcdRangeRequest ToEtcd(RangeRequest request) => new(request.Key)
    {
        RangeEnd = request.RangeEnd,
        Limit = request.Limit,
        Revision = request.Revision,
        KeysOnly = request.KeysOnly,
        CountOnly = request.CountOnly,
    };

    private static EtcdCompare ToEtcd(TxnCompare compare) => new(
        compare.Key,
        compare.Target switch
        {
            CompareTarget.Version => EtcdCompareTarget.Version,
            CompareTarget.CreateRevision => EtcdCompareTarget.CreateRevision,
            CompareTarget.ModRevision => EtcdCompareTarget.ModRevision,
            CompareTarget.Value => EtcdCompareTarget.Value,
            CompareTarget.Lease => EtcdCompareTarget.Lease,
            _ => throw new ArgumentOutOfRangeException(nameof(compare), compare.Target, "unknown compare target"),
        },
        compare.Result switch
        {
            CompareResult.Equal => EtcdCompareResult.Equal,
            CompareResult.Greater => EtcdCompareResult.Greater,
            CompareResult.Less => EtcdCompareResult.Less,
            CompareResult.NotEqual => EtcdCompareResult.NotEqual,
            _ => throw new ArgumentOutOfRangeException(nameof(compare), compare.Result, "unknown compare result"),
        })
    {
        Number = compare.Number,
        Value = compare.Value,
    };

    private static EtcdTxnOperation ToEtcd(TxnOperation operation) => operation switch
    {
        TxnOperation.Put put => EtcdTxnOperation.Set(new EtcdPutRequest(put.Key, put.Value) { Lease = put.Lease }),
        TxnOperation.Delete delete => EtcdTxnOperation.Remove(new EtcdDeleteRequest(delete.Key) { RangeEnd = delete.RangeEnd }),
        TxnOperation.Get get => EtcdTxnOperation.Get(ToEtcd(get.Request)),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "unknown transaction operation"),
    };

    private static RangeResult ToRange(EtcdRangeResult result) => new([.. result.Kvs.Select(ToKv)], result.Header.Revision, result.More, result.Count);

    private static KeyValue ToKv(EtcdKeyValue kv) => new(kv.Key, kv.Value, kv.CreateRevision, kv.ModRevision, kv.Version, kv.Lease);

    private static WatchEvent ToEvent(EtcdEvent e) => new(
        e.Type == EtcdEventType.Put ? WatchEventType.Put : WatchEventType.Delete,
        ToKv(e.Kv),
        e.PrevKv is { } previous ? ToKv(previous) : null);
}
