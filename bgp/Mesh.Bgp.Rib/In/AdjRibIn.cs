using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Rib.In;

/// <summary>
/// Routes received from one peer, after RFC 7606 handling by the codec (treat-as-withdraw arrives as
/// withdrawals). Kept and shown, never installed. Routes whose AS_PATH already holds the local AS are
/// looped (RFC 4271 §9.1.2) and handled as withdrawals, as a peer like FRR re-advertises our own routes
/// back to us. Owned by the RIB loop.
/// </summary>
/// <param name="localAsn">Our AS for loop detection; 0 disables it.</param>
public sealed class AdjRibIn(uint localAsn = 0)
{
    private readonly Dictionary<Prefix, ReceivedRoute> _routes = [];

    /// <summary>Announcements dropped because of an AS_PATH loop.</summary>
    public long LoopedRoutes { get; private set; }

    private int _ipv6;

    public int Count => _routes.Count;

    /// <summary>Routes of one address family.</summary>
    public int CountOf(Codec.Nlri.Afi afi) => afi == Codec.Nlri.Afi.IPv6 ? _ipv6 : _routes.Count - _ipv6;

    public IReadOnlyDictionary<Prefix, ReceivedRoute> Routes => _routes;

    /// <summary>Applies one UPDATE: withdrawals first, then announcements (RFC 4271 §9). Returns (announced, withdrawn).</summary>
    public (int Announced, int Withdrawn) Apply(UpdateMessage update, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(update);
        var withdrawn = 0;
        foreach (var prefix in update.AllWithdrawn)
        {
            if (Remove(prefix))
            {
                withdrawn++;
            }
        }

        var announced = update.Announced;
        if (announced.IsEmpty)
        {
            return (0, withdrawn);
        }

        if (IsLooped(update.Attributes.AsPath))
        {
            LoopedRoutes += announced.Count;
            foreach (var prefix in announced)
            {
                if (Remove(prefix))
                {
                    withdrawn++;
                }
            }

            return (0, withdrawn);
        }

        // One attribute record shared by every prefix of the UPDATE, stripped of the NLRI lists.
        var source = update.Attributes;
        var attributes = source with
        {
            MpReach = source.MpReach is null ? null : source.MpReach with { Nlri = default },
            MpUnreach = null,
        };
        foreach (var prefix in announced)
        {
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_routes, prefix, out var existed);
            slot = new ReceivedRoute(prefix, attributes, receivedAt);
            if (!existed && prefix.IsIPv6)
            {
                _ipv6++;
            }
        }

        return (announced.Count, withdrawn);
    }

    /// <summary>Routes marked stale and not re-advertised since.</summary>
    public int StaleCount
    {
        get
        {
            var count = 0;
            foreach (var route in _routes.Values)
            {
                count += route.Stale ? 1 : 0;
            }

            return count;
        }
    }

    /// <summary>Marks every route of <paramref name="afi"/> (all when null) stale; a later announcement of a prefix replaces it fresh. Returns the count.</summary>
    public int MarkStale(Codec.Nlri.Afi? afi = null)
    {
        var marked = 0;
        foreach (var (prefix, route) in _routes)
        {
            if ((afi is null || prefix.Afi == afi) && !route.Stale)
            {
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_routes, prefix) = route with { Stale = true };
                marked++;
            }
        }

        return marked;
    }

    /// <summary>Removes the stale routes of <paramref name="afi"/> (all when null). Returns how many went.</summary>
    public int RemoveStale(Codec.Nlri.Afi? afi = null)
    {
        var stale = new List<Codec.Nlri.Prefix>();
        foreach (var (prefix, route) in _routes)
        {
            if (route.Stale && (afi is null || prefix.Afi == afi))
            {
                stale.Add(prefix);
            }
        }

        foreach (var prefix in stale)
        {
            Remove(prefix);
        }

        return stale.Count;
    }

    /// <summary>Removes every route of one address family.</summary>
    public int RemoveFamily(Codec.Nlri.Afi afi)
    {
        var gone = _routes.Keys.Where(p => p.Afi == afi).ToList();
        foreach (var prefix in gone)
        {
            Remove(prefix);
        }

        return gone.Count;
    }

    public void Clear()
    {
        _routes.Clear();
        _ipv6 = 0;
    }

    private bool Remove(Codec.Nlri.Prefix prefix)
    {
        if (!_routes.Remove(prefix))
        {
            return false;
        }

        if (prefix.IsIPv6)
        {
            _ipv6--;
        }

        return true;
    }

    private bool IsLooped(Codec.Attributes.AsPath? path)
    {
        if (localAsn == 0 || path is null)
        {
            return false;
        }

        foreach (var segment in path.Segments)
        {
            foreach (var asn in segment.Asns)
            {
                if (asn == localAsn)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
