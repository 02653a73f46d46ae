namespace Mesh.KvStore.Store;

/// <summary>
/// Which lease each leased key is bound to. New keys join the newest lease until it holds the maximum, then a new
/// lease is granted; a key written again keeps its lease. Pure bookkeeping: granting is the caller's.
/// </summary>
internal sealed class LeasePool(int maxKeysPerLease)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, HashSet<string>> _keysByLease = [];
    private readonly Dictionary<string, long> _leaseByKey = new(StringComparer.Ordinal);
    private long _newest;

    public int LeaseCount
    {
        get
        {
            lock (_gate)
            {
                return _keysByLease.Count;
            }
        }
    }

    public int KeyCount
    {
        get
        {
            lock (_gate)
            {
                return _leaseByKey.Count;
            }
        }
    }

    public long[] Leases()
    {
        lock (_gate)
        {
            return [.. _keysByLease.Keys];
        }
    }

    /// <summary>The lease <paramref name="key"/> should be written with, or 0 when a new lease must be granted first.</summary>
    public long TryAssign(string key)
    {
        lock (_gate)
        {
            if (_leaseByKey.TryGetValue(key, out var existing))
            {
                return existing;
            }
            if (_newest != 0 && _keysByLease[_newest].Count < maxKeysPerLease)
            {
                Bind(key, _newest);
                return _newest;
            }
            return 0;
        }
    }

    /// <summary>
    /// <see cref="TryAssign(string)"/> for every put of a batch under one lock (deletes get 0); a slot left 0 for a
    /// put needs a new lease.
    /// </summary>
    public void TryAssign(IReadOnlyList<KvWrite> writes, Span<long> leases)
    {
        lock (_gate)
        {
            for (var i = 0; i < writes.Count; i++)
            {
                var write = writes[i];
                if (write.IsDelete)
                {
                    leases[i] = 0;
                }
                else if (_leaseByKey.TryGetValue(write.Key, out var existing))
                {
                    leases[i] = existing;
                }
                else if (_newest != 0 && _keysByLease[_newest].Count < maxKeysPerLease)
                {
                    Bind(write.Key, _newest);
                    leases[i] = _newest;
                }
                else
                {
                    leases[i] = 0;
                }
            }
        }
    }

    /// <summary>Registers a freshly granted lease as the one new keys join, and binds <paramref name="key"/> to it.</summary>
    public void AddLease(long lease, string key)
    {
        lock (_gate)
        {
            _keysByLease[lease] = [];
            _newest = lease;
            Bind(key, lease);
        }
    }

    /// <summary>The key no longer uses a lease (deleted, or rewritten without one).</summary>
    public void Release(string key)
    {
        lock (_gate)
        {
            if (_leaseByKey.Remove(key, out var lease) && _keysByLease.TryGetValue(lease, out var keys))
            {
                keys.Remove(key);
            }
        }
    }

    /// <summary>Forgets every key under <paramref name="prefix"/>.</summary>
    public void ReleasePrefix(string prefix)
    {
        lock (_gate)
        {
            foreach (var key in _leaseByKey.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToArray())
            {
                var lease = _leaseByKey[key];
                _leaseByKey.Remove(key);
                _keysByLease[lease].Remove(key);
            }
        }
    }

    /// <summary>The lease expired or was revoked: forget it and return the keys that went with it.</summary>
    public IReadOnlyList<string> Lose(long lease)
    {
        lock (_gate)
        {
            if (!_keysByLease.Remove(lease, out var keys))
            {
                return [];
            }
            foreach (var key in keys)
            {
                _leaseByKey.Remove(key);
            }
            if (_newest == lease)
            {
                _newest = 0;
            }
            return [.. keys.Order(StringComparer.Ordinal)];
        }
    }

    private void Bind(string key, long lease)
    {
        _leaseByKey[key] = lease;
        _keysByLease[lease].Add(key);
    }
}
