using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Mesh.KvStore.Backend;

namespace Mesh.KvStore.Embedded;

/// <summary>
/// An in-process key space with etcd v3 semantics: one revision counter for the store, MVCC reads at past
/// revisions, transactions, watches that replay history from a start revision, leases that expire on the
/// injected <see cref="TimeProvider"/>, and compaction. It serves the demo and fast tests; the conformance suite
/// runs the same assertions against it and against a real etcd.
/// </summary>
public sealed class EmbeddedBackend : IKvBackend
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly EmbeddedBackendOptions _options;
    private readonly Dictionary<string, KeyValue> _current = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<RevisionChanges> _history = [];
    private readonly Dictionary<long, LeaseState> _leases = [];
    private readonly List<Watcher> _watchers = [];
    private readonly ulong _clusterId = RandomId();
    private readonly ulong _memberId = RandomId();
    private long _revision = 1;
    private long _compactRevision;
    private long _historyEvents;
    private long _nextLeaseId = (long)(RandomId() >> 16);
    private long _valueBytes;
    private bool _available = true;

    public EmbeddedBackend(TimeProvider time, EmbeddedBackendOptions? options = null)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _options = options ?? new EmbeddedBackendOptions();
    }

    /// <summary>Current store revision.</summary>
    public long Revision
    {
        get
        {
            lock (_gate)
            {
                return _revision;
            }
        }
    }

    /// <summary>
    /// Takes the store off the network (false) or back on (true): while unavailable every call fails with
    /// <see cref="KvUnavailableException"/> and open watches end with it, as when clients lose their etcd. Data and
    /// lease timers live on, like an etcd server that clients cannot reach.
    /// </summary>
    public void SetAvailable(bool available)
    {
        Watcher[] dropped = [];
        lock (_gate)
        {
            _available = available;
            if (!available)
            {
                dropped = [.. _watchers];
                _watchers.Clear();
            }
        }
        foreach (var watcher in dropped)
        {
            watcher.Channel.Writer.TryComplete(new KvUnavailableException("embedded kvstore is unavailable"));
        }
    }

    public Task<RangeResult> RangeAsync(RangeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            EnsureAvailable();
            return Task.FromResult(RangeCore(request));
        }
    }

    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> value, long lease, bool prevKv, CancellationToken cancellationToken)
    {
        ValidateKey(key);
        lock (_gate)
        {
            EnsureAvailable();
            EnsureLease(lease);
            var revision = _revision + 1;
            var change = ApplyPut(key, value, lease, revision);
            Publish(revision, [change]);
            return Task.FromResult(new PutResult(revision, prevKv ? change.Previous : null));
        }
    }

    public Task<DeleteResult> DeleteRangeAsync(string key, string? rangeEnd, bool prevKv, CancellationToken cancellationToken)
    {
        ValidateKey(key);
        lock (_gate)
        {
            EnsureAvailable();
            var keys = KeysInRange(key, rangeEnd);
            if (keys.Count == 0)
            {
                return Task.FromResult(new DeleteResult(_revision, 0, []));
            }
            var revision = _revision + 1;
            var changes = new WatchEvent[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                changes[i] = ApplyDelete(keys[i], revision);
            }
            Publish(revision, changes);
            IReadOnlyList<KeyValue> previous = prevKv ? [.. changes.Select(c => c.Previous!)] : [];
            return Task.FromResult(new DeleteResult(revision, keys.Count, previous));
        }
    }

    public Task<TxnResult> TxnAsync(TxnRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            EnsureAvailable();
            var succeeded = request.Compares.All(Holds);
            var operations = succeeded ? request.Success : request.Failure;
            foreach (var operation in operations)
            {
                if (operation is TxnOperation.Put put)
                {
                    ValidateKey(put.Key);
                    EnsureLease(put.Lease);
                }
            }
            var revision = _revision + 1;
            var changes = new List<WatchEvent>();
            var reads = new List<RangeResult>();
            foreach (var operation in operations)
            {
                switch (operation)
                {
                    case TxnOperation.Put put:
                        changes.Add(ApplyPut(put.Key, put.Value, put.Lease, revision));
                        break;
                    case TxnOperation.Delete delete:
                        foreach (var key in KeysInRange(delete.Key, delete.RangeEnd))
                        {
                            changes.Add(ApplyDelete(key, revision));
                        }
                        break;
                    case TxnOperation.Get get:
                        // Reads inside a transaction see the transaction's earlier writes, as in etcd.
                        reads.Add(RangeCore(get.Request with { Revision = 0 }) with { Revision = changes.Count > 0 ? revision : _revision });
                        break;
                }
            }
            if (changes.Count > 0)
            {
                Publish(revision, [.. changes]);
            }
            return Task.FromResult(new TxnResult(succeeded, _revision, reads));
        }
    }

    public Task CompactAsync(long revision, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            EnsureAvailable();
            if (revision <= _compactRevision)
            {
                throw new KvCompactedException(revision, _compactRevision);
            }
            if (revision > _revision)
            {
                throw new ArgumentOutOfRangeException(nameof(revision), revision, $"future revision (current {_revision})");
            }
            CompactCore(revision);
            return Task.CompletedTask;
        }
    }

    public Task<LeaseGrant> LeaseGrantAsync(TimeSpan ttl, CancellationToken cancellationToken)
    {
        // etcd grants whole seconds and raises TTLs below its minimum.
        var seconds = Math.Max(Math.Ceiling(ttl.TotalSeconds), Math.Ceiling(_options.MinimumLeaseTtl.TotalSeconds));
        var granted = TimeSpan.FromSeconds(seconds);
        lock (_gate)
        {
            EnsureAvailable();
            var lease = new LeaseState(++_nextLeaseId, granted) { ExpiresAt = _time.GetUtcNow() + granted };
            _leases.Add(lease.Id, lease);
            lease.Timer = _time.CreateTimer(OnLeaseTimer, lease.Id, granted, Timeout.InfiniteTimeSpan);
            return Task.FromResult(new LeaseGrant(lease.Id, granted));
        }
    }

    public Task LeaseRevokeAsync(long lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            EnsureAvailable();
            RevokeCore(lease);
            return Task.CompletedTask;
        }
    }

    public Task<TimeSpan?> LeaseKeepAliveAsync(long lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            EnsureAvailable();
            if (!_leases.TryGetValue(lease, out var state))
            {
                return Task.FromResult<TimeSpan?>(null);
            }
            state.ExpiresAt = _time.GetUtcNow() + state.Ttl;
            state.Timer!.Change(state.Ttl, Timeout.InfiniteTimeSpan);
            return Task.FromResult<TimeSpan?>(state.Ttl);
        }
    }

    public Task<TimeSpan?> LeaseTimeToLiveAsync(long lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            EnsureAvailable();
            if (!_leases.TryGetValue(lease, out var state))
            {
                return Task.FromResult<TimeSpan?>(null);
            }
            var remaining = state.ExpiresAt - _time.GetUtcNow();
            return Task.FromResult<TimeSpan?>(TimeSpan.FromSeconds(Math.Max(0, Math.Ceiling(remaining.TotalSeconds))));
        }
    }

    public async IAsyncEnumerable<WatchResponse> WatchAsync(WatchRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var watcher = new Watcher(request);
        lock (_gate)
        {
            EnsureAvailable();
            var start = request.StartRevision;
            if (start > 0 && start < _compactRevision)
            {
                throw new KvCompactedException(start, _compactRevision);
            }
            // Replay and registration happen under one lock, so no revision falls between them.
            if (start > 0)
            {
                for (var i = FirstHistoryIndexAtOrAfter(start); i < _history.Count; i++)
                {
                    if (watcher.Select(_history[i].Events) is { } selected)
                    {
                        watcher.Channel.Writer.TryWrite(new WatchResponse(_history[i].Revision, selected));
                    }
                }
            }
            _watchers.Add(watcher);
        }
        try
        {
            await foreach (var response in watcher.Channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return response;
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(watcher);
            }
        }
    }

    public Task<BackendStatus> StatusAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            EnsureAvailable();
            return Task.FromResult(new BackendStatus("embedded", _clusterId, _memberId, _revision, _valueBytes, _memberId));
        }
    }

    public ValueTask DisposeAsync()
    {
        Watcher[] watchers;
        LeaseState[] leases;
        lock (_gate)
        {
            watchers = [.. _watchers];
            _watchers.Clear();
            leases = [.. _leases.Values];
        }
        foreach (var watcher in watchers)
        {
            watcher.Channel.Writer.TryComplete();
        }
        foreach (var lease in leases)
        {
            lease.Timer?.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private static void ValidateKey(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("key must not be empty", nameof(key));
        }
    }

    private void EnsureAvailable()
    {
        if (!_available)
        {
            throw new KvUnavailableException("embedded kvstore is unavailable");
        }
    }

    private void EnsureLease(long lease)
    {
        if (lease != 0 && !_leases.ContainsKey(lease))
        {
            throw new KvLeaseNotFoundException(lease);
        }
    }

    private bool Holds(TxnCompare compare)
    {
        _current.TryGetValue(compare.Key, out var kv);
        if (compare.Target == CompareTarget.Value)
        {
            // etcd: a value compare against a missing key is false.
            if (kv is null)
            {
                return false;
            }
            var order = kv.Value.Span.SequenceCompareTo(compare.Value.Span);
            return Relate(order, compare.Result);
        }
        var actual = compare.Target switch
        {
            CompareTarget.Version => kv?.Version ?? 0,
            CompareTarget.CreateRevision => kv?.CreateRevision ?? 0,
            CompareTarget.ModRevision => kv?.ModRevision ?? 0,
            CompareTarget.Lease => kv?.Lease ?? 0,
            _ => throw new ArgumentOutOfRangeException(nameof(compare), compare.Target, "unknown compare target"),
        };
        return Relate(actual.CompareTo(compare.Number), compare.Result);
    }

    private static bool Relate(int order, CompareResult result) => result switch
    {
        CompareResult.Equal => order == 0,
        CompareResult.NotEqual => order != 0,
        CompareResult.Greater => order > 0,
        CompareResult.Less => order < 0,
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "unknown compare result"),
    };

    private WatchEvent ApplyPut(string key, ReadOnlyMemory<byte> value, long lease, long revision)
    {
        _current.TryGetValue(key, out var previous);
        var kv = new KeyValue(key, value.ToArray(), previous?.CreateRevision ?? revision, revision, (previous?.Version ?? 0) + 1, lease);
        _current[key] = kv;
        _keys.Add(key);
        _valueBytes += value.Length - (previous?.Value.Length ?? 0);
        if (previous is not null && previous.Lease != lease && _leases.TryGetValue(previous.Lease, out var old))
        {
            old.Keys.Remove(key);
        }
        if (lease != 0)
        {
            _leases[lease].Keys.Add(key);
        }
        return new WatchEvent(WatchEventType.Put, kv, previous);
    }

    private WatchEvent ApplyDelete(string key, long revision)
    {
        var previous = _current[key];
        _current.Remove(key);
        _keys.Remove(key);
        _valueBytes -= previous.Value.Length;
        if (previous.Lease != 0 && _leases.TryGetValue(previous.Lease, out var lease))
        {
            lease.Keys.Remove(key);
        }
        return new WatchEvent(WatchEventType.Delete, new KeyValue(key, ReadOnlyMemory<byte>.Empty, 0, revision, 0, 0), previous);
    }

    /// <summary>Makes <paramref name="revision"/> current, records it in the history and wakes matching watchers.</summary>
    private void Publish(long revision, WatchEvent[] changes)
    {
        _revision = revision;
        _history.Add(new RevisionChanges(revision, changes));
        _historyEvents += changes.Length;
        foreach (var watcher in _watchers)
        {
            if (watcher.Select(changes) is { } selected)
            {
                watcher.Channel.Writer.TryWrite(new WatchResponse(revision, selected));
            }
        }
        if (_historyEvents > _options.HistoryLimit && _history.Count > 1)
        {
            // Drop the oldest tenth at once so compaction stays rare.
            var keepFrom = _history[Math.Min(_history.Count - 1, Math.Max(1, _history.Count / 10))].Revision;
            CompactCore(keepFrom);
        }
    }

    private void CompactCore(long revision)
    {
        _compactRevision = revision;
        var drop = FirstHistoryIndexAtOrAfter(revision);
        for (var i = 0; i < drop; i++)
        {
            _historyEvents -= _history[i].Events.Length;
        }
        _history.RemoveRange(0, drop);
    }

    private int FirstHistoryIndexAtOrAfter(long revision)
    {
        int low = 0, high = _history.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_history[middle].Revision < revision)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    private List<string> KeysInRange(string key, string? rangeEnd)
    {
        if (rangeEnd is null)
        {
            return _current.ContainsKey(key) ? [key] : [];
        }
        var keys = new List<string>();
        foreach (var candidate in OrderedKeys(key, rangeEnd))
        {
            keys.Add(candidate);
        }
        return keys;
    }

    private IEnumerable<string> OrderedKeys(string start, string end)
    {
        if (_keys.Count == 0)
        {
            return [];
        }
        var upper = end == KeyRange.AllFromKey ? _keys.Max! : end;
        if (string.CompareOrdinal(start, upper) > 0)
        {
            return [];
        }
        var view = _keys.GetViewBetween(start, upper);
        return end == KeyRange.AllFromKey ? view : view.Where(k => !string.Equals(k, end, StringComparison.Ordinal));
    }

    private RangeResult RangeCore(RangeRequest request)
    {
        if (request.Revision > _revision)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Revision, $"future revision (current {_revision})");
        }
        if (request.Revision > 0 && request.Revision < _compactRevision)
        {
            throw new KvCompactedException(request.Revision, _compactRevision);
        }
        var atRevision = request.Revision > 0 && request.Revision < _revision;
        IEnumerable<KeyValue> matches = atRevision ? ViewAt(request) : CurrentView(request);
        var limit = request.Limit > 0 ? request.Limit : long.MaxValue;
        var kvs = new List<KeyValue>();
        long count = 0;
        foreach (var kv in matches)
        {
            count++;
            if (!request.CountOnly && kvs.Count < limit)
            {
                kvs.Add(request.KeysOnly ? kv with { Value = ReadOnlyMemory<byte>.Empty } : kv);
            }
        }
        return new RangeResult(kvs, _revision, count > kvs.Count && !request.CountOnly, count);
    }

    private IEnumerable<KeyValue> CurrentView(RangeRequest request)
    {
        if (request.RangeEnd is null)
        {
            return _current.TryGetValue(request.Key, out var kv) ? [kv] : [];
        }
        return OrderedKeys(request.Key, request.RangeEnd).Select(k => _current[k]);
    }

    /// <summary>The range as it was at a past revision: the current state with later history undone.</summary>
    private IEnumerable<KeyValue> ViewAt(RangeRequest request)
    {
        var view = new SortedDictionary<string, KeyValue?>(StringComparer.Ordinal);
        foreach (var kv in CurrentView(request))
        {
            view[kv.Key] = kv;
        }
        for (var i = _history.Count - 1; i >= 0 && _history[i].Revision > request.Revision; i--)
        {
            var events = _history[i].Events;
            for (var j = events.Length - 1; j >= 0; j--)
            {
                if (KeyRange.Contains(request.Key, request.RangeEnd, events[j].Kv.Key))
                {
                    view[events[j].Kv.Key] = events[j].Previous;
                }
            }
        }
        return view.Values.Where(kv => kv is not null)!;
    }

    private void OnLeaseTimer(object? state)
    {
        lock (_gate)
        {
            var id = (long)state!;
            if (_leases.TryGetValue(id, out var lease) && _time.GetUtcNow() >= lease.ExpiresAt)
            {
                RevokeCore(id);
            }
        }
    }

    private void RevokeCore(long id)
    {
        if (!_leases.Remove(id, out var lease))
        {
            return;
        }
        lease.Timer?.Dispose();
        if (lease.Keys.Count == 0)
        {
            return;
        }
        var revision = _revision + 1;
        var keys = lease.Keys.Order(StringComparer.Ordinal).ToArray();
        var changes = new WatchEvent[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            changes[i] = ApplyDelete(keys[i], revision);
        }
        Publish(revision, changes);
    }

    private static ulong RandomId() => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) | 1;
}
