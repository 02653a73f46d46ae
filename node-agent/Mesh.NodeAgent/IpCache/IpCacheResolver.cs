using System.Net;

namespace Mesh.NodeAgent.IpCache;

/// <summary>
/// Merges ipcache claims from every source into one entry per prefix. When two sources claim the same prefix the
/// local cluster wins over remote clusters, endpoints over nodes, then the lower cluster ID, then the owner name,
/// so the outcome never depends on arrival order. Pure; the caller applies the returned changes.
/// </summary>
public sealed class IpCacheResolver
{
    private readonly Dictionary<IPNetwork, List<Claim>> _claims = [];

    public int Count => _claims.Count;

    /// <summary>The current winner of <paramref name="prefix"/>.</summary>
    public IpCacheEntry? Lookup(IPNetwork prefix) => _claims.TryGetValue(prefix, out var claims) ? claims[0].Entry : null;

    /// <summary>Sets <paramref name="owner"/>'s claim on the entry's prefix; returns the winner's change, if any.</summary>
    public IpCacheChange? Upsert(string owner, IpCacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(entry);
        if (!_claims.TryGetValue(entry.Prefix, out var claims))
        {
            _claims[entry.Prefix] = [new Claim(owner, entry)];
            return new IpCacheChange(entry.Prefix, entry);
        }
        var before = claims[0].Entry;
        var index = claims.FindIndex(c => c.Owner == owner);
        if (index >= 0)
        {
            claims[index] = new Claim(owner, entry);
        }
        else
        {
            claims.Add(new Claim(owner, entry));
        }
        claims.Sort(Compare);
        return claims[0].Entry == before ? null : new IpCacheChange(entry.Prefix, claims[0].Entry);
    }

    /// <summary>Drops <paramref name="owner"/>'s claim; returns the change of the winner (another claim, or none).</summary>
    public IpCacheChange? Remove(string owner, IPNetwork prefix)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (!_claims.TryGetValue(prefix, out var claims))
        {
            return null;
        }
        var index = claims.FindIndex(c => c.Owner == owner);
        if (index < 0)
        {
            return null;
        }
        var before = claims[0].Entry;
        claims.RemoveAt(index);
        if (claims.Count == 0)
        {
            _claims.Remove(prefix);
            return new IpCacheChange(prefix, null);
        }
        return claims[0].Entry == before ? null : new IpCacheChange(prefix, claims[0].Entry);
    }

    private static int Compare(Claim left, Claim right)
    {
        var source = left.Entry.Source.CompareTo(right.Entry.Source);
        if (source != 0)
        {
            return source;
        }
        var cluster = left.Entry.ClusterId.CompareTo(right.Entry.ClusterId);
        return cluster != 0 ? cluster : string.CompareOrdinal(left.Owner, right.Owner);
    }

    private readonly record struct Claim(string Owner, IpCacheEntry Entry);
}
