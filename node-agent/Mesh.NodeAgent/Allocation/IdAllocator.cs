namespace Mesh.NodeAgent.Allocation;

/// <summary>
/// Hands out stable numeric IDs (backend IDs, reverse-NAT indexes) per key. IDs found in the datapath at start are
/// restored first so an unchanged service keeps its IDs across restarts; restored IDs nobody claims again are
/// released only when <see cref="ReleaseUnclaimed"/> says every source has synced.
/// </summary>
/// <typeparam name="TKey">What an ID is allocated for.</typeparam>
public sealed class IdAllocator<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, uint> _byKey = [];
    private readonly HashSet<uint> _used = [];
    private readonly HashSet<TKey> _unclaimed = [];
    private readonly uint _first;
    private readonly uint _last;
    private uint _next;

    public IdAllocator(uint first, uint last)
    {
        ArgumentOutOfRangeException.ThrowIfZero(first);
        ArgumentOutOfRangeException.ThrowIfLessThan(last, first);
        _first = first;
        _last = last;
        _next = first;
    }

    public int Count => _byKey.Count;

    public bool TryGet(TKey key, out uint id) => _byKey.TryGetValue(key, out id);

    /// <summary>Records an ID found in the datapath; false when it is out of range or already taken.</summary>
    public bool Restore(TKey key, uint id)
    {
        if (id < _first || id > _last || _used.Contains(id) || _byKey.ContainsKey(key))
        {
            return false;
        }
        _byKey[key] = id;
        _used.Add(id);
        _unclaimed.Add(key);
        return true;
    }

    /// <summary>The key's ID, allocating the next free one; 0 when every ID is in use.</summary>
    public uint Acquire(TKey key)
    {
        if (_byKey.TryGetValue(key, out var existing))
        {
            _unclaimed.Remove(key);
            return existing;
        }
        var capacity = (ulong)_last - _first + 1;
        if ((ulong)_used.Count >= capacity)
        {
            return 0;
        }
        // Next-fit from the last allocation: IDs are not reused right away, so a stale datapath reference to a
        // just-released ID does not silently point at a different backend.
        while (_used.Contains(_next))
        {
            _next = _next == _last ? _first : _next + 1;
        }
        var id = _next;
        _next = _next == _last ? _first : _next + 1;
        _byKey[key] = id;
        _used.Add(id);
        return id;
    }

    public bool Release(TKey key)
    {
        if (!_byKey.Remove(key, out var id))
        {
            return false;
        }
        _used.Remove(id);
        _unclaimed.Remove(key);
        return true;
    }

    /// <summary>Releases every restored ID that was not acquired again; returns the keys released.</summary>
    public IReadOnlyList<TKey> ReleaseUnclaimed()
    {
        var released = _unclaimed.ToList();
        foreach (var key in released)
        {
            Release(key);
        }
        return released;
    }
}
