using System.Text;
using Mesh.KvStore.Backend;
using Microsoft.Extensions.Logging;

namespace Mesh.ClusterMesh.Apiserver.KvStoreMesh.Ownership;

/// <summary>
/// Ownership through one etcd key per remote bound to a short lease: created only if absent, renewed at a third of
/// the TTL, checked on every renewal (the key must still have this term's create revision). Waiting replicas watch
/// the key and try again when it is deleted, which etcd does when the owner's lease expires.
/// </summary>
public sealed partial class EtcdRemoteOwnership : IRemoteOwnership
{
    private readonly IKvBackend _backend;
    private readonly EtcdRemoteOwnershipOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public EtcdRemoteOwnership(IKvBackend backend, EtcdRemoteOwnershipOptions options, TimeProvider time, ILogger<EtcdRemoteOwnership> logger)
    {
        _backend = backend ?? throw new ArgumentNullException(nameof(backend));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.Holder);
        if (options.Ttl < TimeSpan.FromSeconds(2))
        {
            throw new ArgumentException("the owner lease TTL must be at least 2 s (etcd's minimum)", nameof(options));
        }
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    public async Task<OwnershipTerm> AcquireAsync(string remote, CancellationToken cancellationToken)
    {
        var key = _options.KeyFor(remote);
        var holder = Encoding.UTF8.GetBytes(_options.Holder);
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var lease = await _backend.LeaseGrantAsync(_options.Ttl, cancellationToken);
                var txn = await _backend.TxnAsync(
                    new TxnRequest([TxnCompare.Missing(key)], [new TxnOperation.Put(key, holder, lease.Id)], [new TxnOperation.Get(new RangeRequest(key))]),
                    cancellationToken);
                if (txn.Succeeded)
                {
                    LogAcquired(remote, _options.Holder, txn.Revision);
                    return StartTerm(remote, key, lease.Id, txn.Revision);
                }
                await _backend.LeaseRevokeAsync(lease.Id, cancellationToken);
                var owner = txn.Reads.Count > 0 && txn.Reads[0].Kvs.Count > 0 ? Encoding.UTF8.GetString(txn.Reads[0].Kvs[0].Value.Span) : "?";
                LogWaiting(remote, owner);
                await WaitForDeletionAsync(key, txn.Revision + 1, cancellationToken);
                delay = TimeSpan.FromMilliseconds(100);
            }
            catch (Exception e) when (e is KvUnavailableException or KvCompactedException)
            {
                LogAcquireFailed(remote, e.Message);
                await Task.Delay(delay, _time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.Ttl.Ticks));
            }
        }
    }

    /// <summary>
    /// The claim is a key per ID holding the remote's name, created only if absent. A claim whose remote has no
    /// owner key any more (no replica reflects it: removed, or its replica died) is stale and taken over, compared on
    /// its mod revision so two replicas cannot both take it.
    /// </summary>
    public async Task<string?> ClaimClusterIdAsync(string remote, uint id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(remote);
        var key = _options.ClusterIdKey(id);
        var name = Encoding.UTF8.GetBytes(remote);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await _backend.RangeAsync(new RangeRequest(key), cancellationToken);
            TxnCompare condition;
            if (current.Kvs.Count == 0)
            {
                condition = TxnCompare.Missing(key);
            }
            else
            {
                var holder = Encoding.UTF8.GetString(current.Kvs[0].Value.Span);
                if (string.Equals(holder, remote, StringComparison.Ordinal))
                {
                    await ReleaseOtherIdsAsync(remote, key, cancellationToken);
                    return null;
                }
                var owner = await _backend.RangeAsync(new RangeRequest(_options.KeyFor(holder)) { CountOnly = true }, cancellationToken);
                if (owner.Count > 0)
                {
                    return holder;
                }
                condition = TxnCompare.ModRevision(key, CompareResult.Equal, current.Kvs[0].ModRevision);
            }
            var txn = await _backend.TxnAsync(new TxnRequest([condition], [new TxnOperation.Put(key, name)], []), cancellationToken);
            if (txn.Succeeded)
            {
                LogClusterIdClaimed(remote, id);
                await ReleaseOtherIdsAsync(remote, key, cancellationToken);
                return null;
            }
            // Someone else changed the claim meanwhile: look again.
        }
        throw new KvUnavailableException($"cluster ID {id}: the claim kept changing under {remote}'s attempts");
    }

    public Task ReleaseClusterIdAsync(string remote, CancellationToken cancellationToken) => ReleaseOtherIdsAsync(remote, keep: null, cancellationToken);

    /// <summary>Deletes <paramref name="remote"/>'s claims except <paramref name="keep"/>, each only while it is still its.</summary>
    private async Task ReleaseOtherIdsAsync(string remote, string? keep, CancellationToken cancellationToken)
    {
        var claims = await _backend.RangeAsync(RangeRequest.Prefix(_options.ClusterIdPrefix), cancellationToken);
        var name = Encoding.UTF8.GetBytes(remote);
        foreach (var claim in claims.Kvs)
        {
            if (claim.Key != keep && claim.Value.Span.SequenceEqual(name))
            {
                await _backend.TxnAsync(new TxnRequest([TxnCompare.ValueIs(claim.Key, CompareResult.Equal, name)], [new TxnOperation.Delete(claim.Key)], []), cancellationToken);
            }
        }
    }

    private async Task WaitForDeletionAsync(string key, long fromRevision, CancellationToken cancellationToken)
    {
        // Bounded by a TTL, so a missed event (a broken watch) costs at most one TTL before trying again.
        using var bound = new CancellationTokenSource(_options.Ttl, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
        try
        {
            await foreach (var response in _backend.WatchAsync(new WatchRequest(key) { StartRevision = fromRevision }, linked.Token))
            {
                if (response.Events.Any(e => e.Type == WatchEventType.Delete))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The TTL bound: check the key again.
        }
        catch (Exception e) when (e is KvUnavailableException or KvCompactedException)
        {
            // Check the key again.
        }
    }

    private OwnershipTerm StartTerm(string remote, string key, long lease, long createRevision)
    {
        var lost = new CancellationTokenSource();
        var stop = new CancellationTokenSource();
        var renewal = Task.Run(() => RenewAsync(remote, key, lease, createRevision, lost, stop.Token), CancellationToken.None);
        var lostToken = lost.Token;
        return new OwnershipTerm(remote, [TxnCompare.CreateRevision(key, CompareResult.Equal, createRevision)], async release =>
        {
            await stop.CancelAsync();
            await renewal;
            if (release)
            {
                try
                {
                    // Revoking deletes the owner key: waiting replicas see it at once.
                    using var timeout = new CancellationTokenSource(_options.Ttl, _time);
                    await _backend.LeaseRevokeAsync(lease, timeout.Token);
                    LogReleased(remote);
                }
                catch (Exception e) when (e is KvUnavailableException or OperationCanceledException)
                {
                    // It expires with its lease instead.
                }
            }
            await lost.CancelAsync();
            lost.Dispose();
            stop.Dispose();
        }, lostToken);
    }

    private async Task RenewAsync(string remote, string key, long lease, long createRevision, CancellationTokenSource lost, CancellationToken stop)
    {
        var lastRenewal = _time.GetTimestamp();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(_options.Ttl / 3, _time, stop);
                string? reason = null;
                try
                {
                    if (await _backend.LeaseKeepAliveAsync(lease, stop) is null)
                    {
                        reason = "owner lease expired";
                    }
                    else
                    {
                        var current = await _backend.RangeAsync(new RangeRequest(key), stop);
                        if (current.Kvs.Count == 0 || current.Kvs[0].CreateRevision != createRevision)
                        {
                            reason = "owner key deleted or replaced";
                        }
                        else
                        {
                            lastRenewal = _time.GetTimestamp();
                        }
                    }
                }
                catch (KvUnavailableException e) when (_time.GetElapsedTime(lastRenewal) < _options.Ttl)
                {
                    LogRenewalFailed(remote, e.Message);
                }
                catch (KvUnavailableException e)
                {
                    reason = $"etcd unreachable for a lease TTL ({e.Message})";
                }
                if (reason is not null)
                {
                    LogLost(remote, reason);
                    await lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Term ended by its holder.
        }
    }

    [LoggerMessage(EventId = 5120, Level = LogLevel.Information, Message = "Owning remote cluster {Cluster} as {Holder} (owner key created at revision {Revision})")]
    private partial void LogAcquired(string cluster, string holder, long revision);

    [LoggerMessage(EventId = 5121, Level = LogLevel.Information, Message = "Remote cluster {Cluster} is owned by {Owner}; waiting")]
    private partial void LogWaiting(string cluster, string owner);

    [LoggerMessage(EventId = 5122, Level = LogLevel.Warning, Message = "Ownership of remote cluster {Cluster} lost: {Reason}")]
    private partial void LogLost(string cluster, string reason);

    [LoggerMessage(EventId = 5123, Level = LogLevel.Information, Message = "Ownership of remote cluster {Cluster} released")]
    private partial void LogReleased(string cluster);

    [LoggerMessage(EventId = 5124, Level = LogLevel.Warning, Message = "Renewing ownership of remote cluster {Cluster} failed: {Reason}")]
    private partial void LogRenewalFailed(string cluster, string reason);

    [LoggerMessage(EventId = 5125, Level = LogLevel.Warning, Message = "Acquiring ownership of remote cluster {Cluster} failed: {Reason}; retrying")]
    private partial void LogAcquireFailed(string cluster, string reason);

    [LoggerMessage(EventId = 5126, Level = LogLevel.Information, Message = "Remote cluster {Cluster} claimed cluster ID {Id} among all replicas")]
    private partial void LogClusterIdClaimed(string cluster, uint id);
}
