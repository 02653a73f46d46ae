using System.Buffers;
using System.Runtime.InteropServices;
using Mesh.Bgp.Codec;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Codec.Packing;

namespace Mesh.Bgp.Rib.Out;

/// <summary>
/// What one Established peer has been sent, and the UPDATEs that bring it in line with the Loc-RIB.
/// Changes are grouped by exported attribute set and packed by <see cref="UpdatePacker"/> into as few
/// messages as the negotiated maximum size allows, both in the initial dump and for live changes;
/// withdrawals pack regardless of attributes. Owned by the RIB loop.
/// </summary>
public sealed class AdjRibOut
{
    private readonly Dictionary<Prefix, PathAttributes> _advertised = [];
    private readonly Dictionary<PathAttributes, PathAttributes> _exportCache4 = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<PathAttributes, PathAttributes> _exportCache6 = new(ReferenceEqualityComparer.Instance);
    private readonly ExportPolicy _policy;
    private readonly BgpCodecContext _context;
    private readonly bool _ipv4;
    private readonly bool _ipv6;

    /// <summary>Creates the table for one session; a negotiated family without a next hop is skipped.</summary>
    public AdjRibOut(ExportPolicy policy, BgpCodecContext context, IEnumerable<AfiSafi> families)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(families);
        _policy = policy;
        _context = context;
        foreach (var family in families)
        {
            _ipv4 |= family == AfiSafi.IPv4Unicast && policy.IPv4NextHop is not null;
            _ipv6 |= family == AfiSafi.IPv6Unicast && policy.IPv6NextHop is not null;
        }
    }

    private int _ipv6Count;

    public int Count => _advertised.Count;

    /// <summary>Prefixes advertised in one address family.</summary>
    public int CountOf(Afi afi) => afi == Afi.IPv6 ? _ipv6Count : _advertised.Count - _ipv6Count;

    public IReadOnlyDictionary<Prefix, PathAttributes> Advertised => _advertised;

    /// <summary>The families this peer gets (negotiated and with a next hop).</summary>
    public IReadOnlyList<AfiSafi> Families => (_ipv4, _ipv6) switch
    {
        (true, true) => [AfiSafi.IPv4Unicast, AfiSafi.IPv6Unicast],
        (true, false) => [AfiSafi.IPv4Unicast],
        (false, true) => [AfiSafi.IPv6Unicast],
        _ => [],
    };

    public bool Exports(Prefix prefix) => prefix.IsIPv6 ? _ipv6 : _ipv4;

    /// <summary>The whole table after Established, then End-of-RIB per family (RFC 4724 §2). Returns the UPDATE count.</summary>
    public int WriteInitial(IReadOnlyDictionary<Prefix, PathAttributes> locRib, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(locRib);
        ArgumentNullException.ThrowIfNull(writer);
        var changes = new List<RibChange>(locRib.Count);
        foreach (var (prefix, attributes) in locRib)
        {
            changes.Add(new RibChange(prefix, attributes));
        }

        var messages = WriteChanges(changes, writer);
        foreach (var family in Families)
        {
            BgpMessageCodec.Encode(UpdateMessage.EndOfRib(family), _context, writer);
            messages++;
        }

        return messages;
    }

    /// <summary>
    /// Everything advertised in <paramref name="family"/> again, packed by attribute set, without changing the
    /// table (answer to ROUTE-REFRESH, RFC 2918). Returns the UPDATE count.
    /// </summary>
    public int WriteRefresh(AfiSafi family, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var ipv6 = family == AfiSafi.IPv6Unicast;
        if (family.Safi != Safi.Unicast || (ipv6 ? !_ipv6 : !_ipv4))
        {
            return 0;
        }

        var groups = new Dictionary<PathAttributes, List<Prefix>>();
        foreach (var (prefix, attributes) in _advertised)
        {
            if (prefix.IsIPv6 != ipv6)
            {
                continue;
            }

            if (!groups.TryGetValue(attributes, out var list))
            {
                list = [];
                groups.Add(attributes, list);
            }

            list.Add(prefix);
        }

        var messages = 0;
        foreach (var (attributes, prefixes) in groups)
        {
            messages += UpdatePacker.WriteAnnouncements(writer, attributes, CollectionsMarshal.AsSpan(prefixes), _context);
        }

        return messages;
    }

    /// <summary>Records <paramref name="changes"/> and writes the UPDATEs they cause. Returns the UPDATE count.</summary>
    public int WriteChanges(IReadOnlyList<RibChange> changes, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(writer);
        var withdrawn4 = new List<Prefix>();
        var withdrawn6 = new List<Prefix>();
        var groups = new Dictionary<PathAttributes, List<Prefix>>();
        // Runs of prefixes share one exported record (the export cache hands out the same instance): only a new
        // record is looked up in the groups, instead of hashing the attributes once per prefix.
        PathAttributes? lastExported = null;
        List<Prefix>? lastGroup = null;
        var sized = false;
        for (var i = 0; i < changes.Count; i++)
        {
            var (prefix, source) = changes[i];
            if (!Exports(prefix))
            {
                continue;
            }

            if (source is null)
            {
                if (_advertised.Remove(prefix))
                {
                    var withdrawn = prefix.IsIPv6 ? withdrawn6 : withdrawn4;
                    if (withdrawn.Count == 0)
                    {
                        // Sized for the rest of the batch at the first withdrawal, not regrown by doubling.
                        withdrawn.Capacity = changes.Count - i;
                    }

                    withdrawn.Add(prefix);
                    _ipv6Count -= prefix.IsIPv6 ? 1 : 0;
                }

                continue;
            }

            if (!sized)
            {
                // Room for the rest of the batch at its first announcement: one resize instead of a chain of them.
                _advertised.EnsureCapacity(_advertised.Count + changes.Count - i);
                sized = true;
            }

            var exported = ExportCached(source, prefix.Afi);
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_advertised, prefix, out var existed);
            if (existed && (ReferenceEquals(slot, exported) || slot!.Equals(exported)))
            {
                continue;
            }

            slot = exported;
            _ipv6Count += !existed && prefix.IsIPv6 ? 1 : 0;
            if (!ReferenceEquals(exported, lastExported))
            {
                if (!groups.TryGetValue(exported, out lastGroup))
                {
                    lastGroup = [];
                    groups.Add(exported, lastGroup);
                }

                lastExported = exported;
            }

            lastGroup!.Add(prefix);
        }

        if (withdrawn4.Count + withdrawn6.Count > 0)
        {
            TableShrink.AfterRemovals(_advertised);
        }

        var messages = 0;
        messages += UpdatePacker.WriteWithdrawals(writer, CollectionsMarshal.AsSpan(withdrawn4), _context);
        messages += UpdatePacker.WriteWithdrawals(writer, CollectionsMarshal.AsSpan(withdrawn6), _context);
        foreach (var (attributes, prefixes) in groups)
        {
            messages += UpdatePacker.WriteAnnouncements(writer, attributes, CollectionsMarshal.AsSpan(prefixes), _context);
        }

        _exportCache4.Clear();
        _exportCache6.Clear();
        return messages;
    }

    private PathAttributes ExportCached(PathAttributes source, Afi afi)
    {
        // Per call and keyed by reference: a batch of N prefixes sharing one record exports it once per family.
        var cache = afi == Afi.IPv6 ? _exportCache6 : _exportCache4;
        if (!cache.TryGetValue(source, out var exported))
        {
            exported = ExportRules.Export(source, afi, _policy);
            cache.Add(source, exported);
        }

        return exported;
    }
}
