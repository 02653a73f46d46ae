using System.Runtime.CompilerServices;
using Mesh.KvStore.Backend;
using Microsoft.Extensions.Logging;

namespace Mesh.KvStore.Store;

/// <summary><see cref="IKvStore"/> on any <see cref="IKvBackend"/>: lease sharing and keep-alive, paginated lists, a watch that resumes and relists.</summary>
internal sealed partial class KvStore : IKvStore
{
    private readonly IKvBackend _backend;
    private readonly KvStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LeasePool _leases;
    private readonly SemaphoreSlim _grantGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _handlersGate = new();
    private readonly List<Action<IReadOnlyList<string>>> _leaseLostHandlers = [];
    private Task? _keepAlive;
    // The next lease, granted in the background once the newest is half full, so a batch crossing the boundary finds it
    // ready instead of waiting for a grant (a consensus round behind every write in flight).
    private Task _spareGrant = Task.CompletedTask;
    private int _spareGranting;
    private bool _connected = true;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private int _consecutiveErrors;

    public KvStore(IKvBackend backend, KvStoreOptions options, TimeProvider time, ILogger<KvStore> logger)
    {
        _backend = backend ?? throw new ArgumentNullException(nameof(backend));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"invalid kvstore options: {string.Join("; ", errors)}", nameof(options));
        }
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _leases = new LeasePool(options.MaxKeysPerLease);
    }

    public async Task<KvEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var result = await TrackAsync(() => _backend.RangeAsync(new RangeRequest(key), cancellationToken));
        return result.Kvs.Count == 0 ? null : ToEntry(result.Kvs[0]);
    }

    public async Task<KvList> ListPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var end = KeyRange.PrefixEnd(prefix);
        var entries = new List<KvEntry>();
        long revision = 0;
        var start = prefix;
        while (true)
        {
            // Later pages are read at the first page's revision, so the list is one consistent snapshot.
            var page = await TrackAsync(() => _backend.RangeAsync(
                new RangeRequest(start) { RangeEnd = end, Limit = _options.ListPageSize, Revision = revision },
                cancellationToken));
            revision = revision == 0 ? page.Revision : revision;
            foreach (var kv in page.Kvs)
            {
                entries.Add(ToEntry(kv));
            }
            if (!page.More || page.Kvs.Count == 0)
            {
                return new KvList(entries, revision);
            }
            start = page.Kvs[^1].Key + "\0";
        }
    }

    public async Task UpdateAsync(string key, ReadOnlyMemory<byte> value, bool withLease, CancellationToken cancellationToken)
    {
        if (!withLease)
        {
            await TrackAsync(() => _backend.PutAsync(key, value, 0, false, cancellationToken));
            _leases.Release(key);
            return;
        }
        await WithLeaseAsync(key, lease => _backend.PutAsync(key, value, lease, false, cancellationToken), cancellationToken);
    }

    public Task WriteBatchAsync(IReadOnlyList<KvWrite> writes, bool withLease, CancellationToken cancellationToken) =>
        WriteBatchIfAsync([], writes, withLease, cancellationToken);

    public async Task<bool> WriteBatchIfAsync(IReadOnlyList<TxnCompare> guards, IReadOnlyList<KvWrite> writes, bool withLease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(guards);
        ArgumentNullException.ThrowIfNull(writes);
        var succeeded = false;
        for (var attempt = 0; ; attempt++)
        {
            var operations = new TxnOperation[writes.Count];
            var assigned = new long[writes.Count];
            // Most keys join an existing lease, all under one lock: only a new lease needs the asynchronous grant.
            if (withLease && _leases.TryAssign(writes, assigned))
            {
                GrantSpareLease();
            }
            var leases = new HashSet<long>();
            for (var i = 0; i < writes.Count; i++)
            {
                var write = writes[i];
                if (write.Value is not { } value)
                {
                    operations[i] = new TxnOperation.Delete(write.Key);
                    continue;
                }
                var lease = assigned[i];
                if (withLease && lease == 0)
                {
                    lease = await AssignLeaseAsync(write.Key, cancellationToken);
                }
                leases.Add(lease);
                operations[i] = new TxnOperation.Put(write.Key, value, lease);
            }
            try
            {
                succeeded = (await TrackAsync(() => _backend.TxnAsync(new TxnRequest(guards, operations, []), cancellationToken))).Succeeded;
                break;
            }
            catch (KvLeaseNotFoundException) when (attempt == 0)
            {
                // etcd does not say which lease died: drop every one of the batch that is gone, then retry once.
                foreach (var lease in leases.Where(l => l != 0))
                {
                    if (await TrackAsync(() => _backend.LeaseTimeToLiveAsync(lease, cancellationToken)) is null)
                    {
                        LeaseLost(lease);
                    }
                }
            }
        }
        foreach (var write in writes)
        {
            // A refused batch changed nothing: the bookkeeping stays as it was (at worst a spare lease-lost report).
            if (succeeded && (write.IsDelete || !withLease))
            {
                _leases.Release(write.Key);
            }
        }
        return succeeded;
    }

    public async Task<bool> CreateOnlyAsync(string key, ReadOnlyMemory<byte> value, bool withLease, CancellationToken cancellationToken)
    {
        if (!withLease)
        {
            return (await TrackAsync(() => _backend.TxnAsync(CreateOnly(key, value, 0), cancellationToken))).Succeeded;
        }
        var result = await WithLeaseAsync(key, lease => _backend.TxnAsync(CreateOnly(key, value, lease), cancellationToken), cancellationToken);
        if (!result.Succeeded)
        {
            // Someone else owns the key: it is not ours to keep alive or rewrite.
            _leases.Release(key);
        }
        return result.Succeeded;
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var result = await TrackAsync(() => _backend.DeleteRangeAsync(key, null, false, cancellationToken));
        _leases.Release(key);
        return result.Deleted > 0;
    }

    public async Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var result = await TrackAsync(() => _backend.DeleteRangeAsync(prefix, KeyRange.PrefixEnd(prefix), false, cancellationToken));
        _leases.ReleasePrefix(prefix);
        return result.Deleted;
    }

    public async IAsyncEnumerable<KvEvent> WatchAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Keys the consumer currently knows, so a relist can report what vanished in between.
        var known = new HashSet<string>(StringComparer.Ordinal);
        var listDone = false;
        long next = 0;
        var delay = _options.InitialRetryDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (next == 0)
            {
                KvList list;
                try
                {
                    list = await ListPrefixAsync(prefix, cancellationToken);
                }
                catch (KvUnavailableException e)
                {
                    delay = await BackOffAsync(prefix, e.Message, 0, delay, cancellationToken);
                    continue;
                }
                catch (KvCompactedException)
                {
                    // Compacted between two pages: list again from the top.
                    continue;
                }
                var seen = new HashSet<string>(list.Entries.Count, StringComparer.Ordinal);
                foreach (var entry in list.Entries)
                {
                    seen.Add(entry.Key);
                    yield return new KvEvent(KvEventType.Upsert, entry.Key, entry.Value, entry.ModRevision);
                }
                foreach (var vanished in known.Where(k => !seen.Contains(k)).Order(StringComparer.Ordinal))
                {
                    yield return new KvEvent(KvEventType.Delete, vanished, ReadOnlyMemory<byte>.Empty, list.Revision);
                }
                known = seen;
                if (!listDone)
                {
                    listDone = true;
                    yield return KvEvent.ListDone(list.Revision);
                }
                next = list.Revision + 1;
                delay = _options.InitialRetryDelay;
            }

            var request = WatchRequest.Prefix(prefix) with { StartRevision = next };
            await using var stream = _backend.WatchAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                WatchResponse response;
                try
                {
                    if (!await stream.MoveNextAsync())
                    {
                        break;
                    }
                    response = stream.Current;
                }
                catch (KvCompactedException)
                {
                    LogWatchRelist(prefix, next);
                    next = 0;
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException && e is not OutOfMemoryException)
                {
                    // Whatever ended the stream (lost connection, a transport error the client could not classify),
                    // the watch resumes from the last revision it delivered.
                    RecordFailure(e);
                    delay = await BackOffAsync(prefix, $"{e.GetType().Name}: {e.Message}", next, delay, cancellationToken);
                    break;
                }
                RecordSuccess();
                delay = _options.InitialRetryDelay;
                foreach (var change in response.Events)
                {
                    if (change.Type == WatchEventType.Put)
                    {
                        known.Add(change.Kv.Key);
                        yield return new KvEvent(KvEventType.Upsert, change.Kv.Key, change.Kv.Value, change.Kv.ModRevision);
                    }
                    else
                    {
                        known.Remove(change.Kv.Key);
                        yield return new KvEvent(KvEventType.Delete, change.Kv.Key, ReadOnlyMemory<byte>.Empty, change.Kv.ModRevision);
                    }
                }
                next = response.Revision + 1;
            }
        }
    }

    public async Task<KvStoreStatus> StatusAsync(CancellationToken cancellationToken)
    {
        long revision = 0;
        try
        {
            revision = (await TrackAsync(() => _backend.StatusAsync(cancellationToken))).Revision;
        }
        catch (KvUnavailableException)
        {
            // Reported through the fields below.
        }
        lock (_handlersGate)
        {
            return new KvStoreStatus(_connected, revision, _leases.LeaseCount, _leases.KeyCount, _lastError, _lastErrorAt, _consecutiveErrors);
        }
    }

    public IDisposable OnLeaseLost(Action<IReadOnlyList<string>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_handlersGate)
        {
            _leaseLostHandlers.Add(handler);
        }
        return new Registration(this, handler);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        // The spare grant first: it may be what starts the keep-alive loop.
        await Volatile.Read(ref _spareGrant);
        if (_keepAlive is not null)
        {
            await _keepAlive;
        }
        _stopping.Dispose();
        _grantGate.Dispose();
    }

    private static TxnRequest CreateOnly(string key, ReadOnlyMemory<byte> value, long lease) =>
        new([TxnCompare.Missing(key)], [new TxnOperation.Put(key, value, lease)], []);

    private static KvEntry ToEntry(KeyValue kv) => new(kv.Key, kv.Value, kv.ModRevision, kv.Lease);

    /// <summary>Runs a write bound to the key's lease; if that lease died meanwhile, reports it lost and retries once on a new one.</summary>
    private async Task<T> WithLeaseAsync<T>(string key, Func<long, Task<T>> write, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var lease = await AssignLeaseAsync(key, cancellationToken);
            try
            {
                return await TrackAsync(() => write(lease));
            }
            catch (KvLeaseNotFoundException) when (attempt == 0)
            {
                LeaseLost(lease);
            }
        }
    }

    private async Task<long> AssignLeaseAsync(string key, CancellationToken cancellationToken)
    {
        var lease = _leases.TryAssign(key);
        if (lease != 0)
        {
            return lease;
        }
        await _grantGate.WaitAsync(cancellationToken);
        try
        {
            // Another writer may have granted one while we waited.
            lease = _leases.TryAssign(key);
            if (lease != 0)
            {
                return lease;
            }
            var grant = await TrackAsync(() => _backend.LeaseGrantAsync(_options.LeaseTtl, cancellationToken));
            _leases.AddLease(grant.Id, key);
            LogLeaseGranted(grant.Id, grant.Ttl);
            StartKeepAlive();
            return grant.Id;
        }
        finally
        {
            _grantGate.Release();
        }
    }

    /// <summary>Grants the spare lease the pool asked for, unless a grant of one is under way already.</summary>
    private void GrantSpareLease()
    {
        if (Interlocked.Exchange(ref _spareGranting, 1) != 0)
        {
            return;
        }
        Volatile.Write(ref _spareGrant, Task.Run(GrantSpareLeaseAsync, CancellationToken.None));
    }

    private async Task GrantSpareLeaseAsync()
    {
        try
        {
            await _grantGate.WaitAsync(_stopping.Token);
            try
            {
                if (_leases.WantsSpare)
                {
                    var grant = await TrackAsync(() => _backend.LeaseGrantAsync(_options.LeaseTtl, _stopping.Token));
                    _leases.AddSpare(grant.Id);
                    LogLeaseGranted(grant.Id, grant.Ttl);
                    StartKeepAlive();
                }
            }
            finally
            {
                _grantGate.Release();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nothing lost: the batch that fills the newest lease grants the next one itself.
            if (!_stopping.IsCancellationRequested)
            {
                LogSpareGrantFailed(e.Message);
            }
        }
        finally
        {
            Volatile.Write(ref _spareGranting, 0);
        }
    }

    /// <summary>Starts renewing the leases with the first one granted (called under the grant gate).</summary>
    private void StartKeepAlive()
    {
        if (_keepAlive is null)
        {
            // The timer exists before the grant's caller goes on, so renewals count from the first grant.
            // etcd clients renew at a third of the TTL, leaving two chances before expiry.
            var timer = new PeriodicTimer(_options.LeaseTtl / 3, _time);
            _keepAlive = Task.Run(() => KeepAliveLoopAsync(timer, _stopping.Token), CancellationToken.None);
        }
    }

    private async Task KeepAliveLoopAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        using var owned = timer;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                foreach (var lease in _leases.Leases())
                {
                    try
                    {
                        if (await TrackAsync(() => _backend.LeaseKeepAliveAsync(lease, stopping)) is null)
                        {
                            LeaseLost(lease);
                        }
                    }
                    catch (KvUnavailableException e)
                    {
                        LogKeepAliveFailed(lease, e.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private void LeaseLost(long lease)
    {
        var keys = _leases.Lose(lease);
        LogLeaseLost(lease, keys.Count);
        Action<IReadOnlyList<string>>[] handlers;
        lock (_handlersGate)
        {
            handlers = [.. _leaseLostHandlers];
        }
        foreach (var handler in handlers)
        {
            try
            {
                handler(keys);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogHandlerFailed(e);
            }
        }
    }

    private async Task<TimeSpan> BackOffAsync(string prefix, string reason, long revision, TimeSpan delay, CancellationToken cancellationToken)
    {
        LogWatchInterrupted(prefix, reason, revision, delay);
        await Task.Delay(delay, _time, cancellationToken);
        var doubled = delay * 2;
        return doubled > _options.MaxRetryDelay ? _options.MaxRetryDelay : doubled;
    }

    /// <summary>Runs a backend call and records its outcome; a delegate, so synchronous throws are recorded too.</summary>
    private async Task<T> TrackAsync<T>(Func<Task<T>> call)
    {
        try
        {
            var result = await call();
            RecordSuccess();
            return result;
        }
        catch (KvUnavailableException e)
        {
            RecordFailure(e);
            throw;
        }
    }

    private void RecordSuccess()
    {
        lock (_handlersGate)
        {
            _connected = true;
            _consecutiveErrors = 0;
        }
    }

    private void RecordFailure(Exception e)
    {
        lock (_handlersGate)
        {
            _connected = false;
            _lastError = e.Message;
            _lastErrorAt = _time.GetUtcNow();
            _consecutiveErrors++;
        }
    }

    private sealed class Registration(KvStore owner, Action<IReadOnlyList<string>> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._handlersGate)
            {
                owner._leaseLostHandlers.Remove(handler);
            }
        }
    }
}
