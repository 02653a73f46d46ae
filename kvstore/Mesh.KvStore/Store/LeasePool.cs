using System.Runtime.InteropServices;

namespace Mesh.KvStore.Store;

/// <summary>
/// Which lease each leased key is bound to. New keys join the newest lease until it holds the maximum, then the spare
/// granted ahead (asked for once the newest is half full) or else a lease granted there and then; a key written again
/// keeps its lease. Pure bookkeeping: granting is the caller's.
/// </summary>
internal sealed class LeasePool(int maxKeysPerLease)
{
    private readonly Lock _gate = new();
    // Per lease only how many keys it holds: which keys those are is asked only when a lease is lost (rare), and a set per
    // lease was a second table entry for every key of a 100k-key bootstrap.
    private readonly Dictionary<long, int> _keyCounts = [];
    private readonly Dictionary<string, long> _leaseByKey = new(StringComparer.Ordinal);
    private long _newest;
    // Granted ahead for the keys that come after the newest lease is full; 0 while none is.
    private long _spare;

    public int LeaseCount
    {
        get
        {
            lock (_gate)
            {
                return _keyCounts.Count;
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
            return [.. _keyCounts.Keys];
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
            if (HasRoom())
            {
                Bind(key, _newest);
                return _newest;
            }
            return 0;
        }
    }

    /// <summary>
    /// True when the newest lease is half full and no spare is granted: the time to grant the next lease, so the keys
    /// after it find one ready.
    /// </summary>
    public bool WantsSpare
    {
        get
        {
            lock (_gate)
            {
                return SpareDue();
            }
        }
    }

    /// <summary>
    /// <see cref="TryAssign(string)"/> for every put of a batch under one lock (deletes get 0); a slot left 0 for a
    /// put needs a new lease. Returns <see cref="WantsSpare"/> as it stands afterwards.
    /// </summary>
    public bool TryAssign(IReadOnlyList<KvWrite> writes, Span<long> leases)
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
                else if (HasRoom())
                {
                    Bind(write.Key, _newest);
                    leases[i] = _newest;
                }
                else
                {
                    leases[i] = 0;
                }
            }
            return SpareDue();
        }
    }

    /// <summary>Registers a lease granted ahead: new keys join it once the newest is full (at once if there is none).</summary>
    public void AddSpare(long lease)
    {
        lock (_gate)
        {
            _keyCounts[lease] = 0;
            if (_newest == 0)
            {
                _newest = lease;
            }
            else
            {
                _spare = lease;
            }
        }
    }

    /// <summary>Registers a freshly granted lease as the one new keys join, and binds <paramref name="key"/> to it.</summary>
    public void AddLease(long lease, string key)
    {
        lock (_gate)
        {
            _keyCounts[lease] = 0;
            _newest = lease;
            Bind(key, lease);
        }
    }

    /// <summary>The key no longer uses a lease (deleted, or rewritten without one).</summary>
    public void Release(string key)
    {
        lock (_gate)
        {
            if (_leaseByKey.Remove(key, out var lease))
            {
                Unbind(lease);
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
                _leaseByKey.Remove(key, out var lease);
                Unbind(lease);
            }
        }
    }

    /// <summary>The lease expired or was revoked: forget it and return the keys that went with it.</summary>
    public IReadOnlyList<string> Lose(long lease)
    {
        lock (_gate)
        {
            if (!_keyCounts.Remove(lease))
            {
                return [];
            }
            var keys = new List<string>();
            foreach (var (key, bound) in _leaseByKey)
            {
                if (bound == lease)
                {
                    keys.Add(key);
                }
            }
            foreach (var key in keys)
            {
                _leaseByKey.Remove(key);
            }
            if (_newest == lease)
            {
                _newest = 0;
            }
            if (_spare == lease)
            {
                _spare = 0;
            }
            return [.. keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Whether the newest lease takes another key, moving on to the spare when it is full.</summary>
    private bool HasRoom()
    {
        if (_newest != 0 && _keyCounts[_newest] < maxKeysPerLease)
        {
            return true;
        }
        if (_spare == 0)
        {
            return false;
        }
        _newest = _spare;
        _spare = 0;
        return true;
    }

    private bool SpareDue() => _newest != 0 && _spare == 0 && _keyCounts[_newest] * 2 >= maxKeysPerLease;

    private void Bind(string key, long lease)
    {
        ref var bound = ref CollectionsMarshal.GetValueRefOrAddDefault(_leaseByKey, key, out var existed);
        if (existed)
        {
            if (bound == lease)
            {
                return;
            }
            Unbind(bound);
        }
        bound = lease;
        CollectionsMarshal.GetValueRefOrAddDefault(_keyCounts, lease, out _)++;
    }

    private void Unbind(long lease)
    {
        if (_keyCounts.TryGetValue(lease, out var count))
        {
            _keyCounts[lease] = count - 1;
        }
    }
}
