namespace Mesh.NodeAgent.Collections;

/// <summary>
/// A set of 32-bit IDs for one writer and any number of lock-free readers: a bit per ID in 64 Ki-ID pages allocated
/// on first use. Backend IDs are handed out densely from 1, so 100k backends cost two pages (16 KiB), and a reader
/// on another thread asks "is it there" without taking a lock or contending with the writer.
/// </summary>
public sealed class ConcurrentIdSet
{
    private const int PageBits = 16;
    private const int WordsPerPage = (1 << PageBits) / 64;

    private readonly ulong[]?[] _pages = new ulong[]?[1 << (32 - PageBits)];
    private int _count;

    public ConcurrentIdSet()
    {
    }

    public ConcurrentIdSet(IEnumerable<uint> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var id in ids)
        {
            Add(id);
        }
    }

    public int Count => Volatile.Read(ref _count);

    public bool Contains(uint id)
    {
        var page = Volatile.Read(ref _pages[id >> PageBits]);
        return page is not null && (Volatile.Read(ref page[Word(id)]) & Bit(id)) != 0;
    }

    /// <summary>Adds the ID; false when it was already there.</summary>
    public bool Add(uint id)
    {
        ref var slot = ref _pages[id >> PageBits];
        var page = Volatile.Read(ref slot);
        if (page is null)
        {
            page = Interlocked.CompareExchange(ref slot, new ulong[WordsPerPage], null) ?? Volatile.Read(ref slot)!;
        }
        var before = Interlocked.Or(ref page[Word(id)], Bit(id));
        if ((before & Bit(id)) != 0)
        {
            return false;
        }
        Interlocked.Increment(ref _count);
        return true;
    }

    /// <summary>Removes the ID; false when it was not there.</summary>
    public bool Remove(uint id)
    {
        var page = Volatile.Read(ref _pages[id >> PageBits]);
        if (page is null)
        {
            return false;
        }
        var before = Interlocked.And(ref page[Word(id)], ~Bit(id));
        if ((before & Bit(id)) == 0)
        {
            return false;
        }
        Interlocked.Decrement(ref _count);
        return true;
    }

    private static int Word(uint id) => (int)(id & ((1u << PageBits) - 1)) >> 6;

    private static ulong Bit(uint id) => 1UL << (int)(id & 63);
}
