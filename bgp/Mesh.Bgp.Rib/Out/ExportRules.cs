using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Rib.Out;

/// <summary>
/// RFC 4271 §5.1 export of a locally originated route: ORIGIN defaults to IGP; toward an external peer
/// the local AS is prepended to AS_PATH and LOCAL_PREF is dropped; NEXT_HOP is the session's local
/// address (IPv6: MP_REACH_NLRI with global + link-local next hop, RFC 2545 §3); communities, large
/// communities and extended communities are kept.
/// </summary>
public static class ExportRules
{
    public static PathAttributes Export(PathAttributes source, Afi afi, ExportPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(policy);
        var path = source.AsPath ?? AsPath.Empty;
        if (policy.External)
        {
            path = Prepend(path, policy.LocalAsn);
        }

        var exported = source with
        {
            Origin = source.Origin ?? Origin.Igp,
            AsPath = path,
            LocalPref = policy.External ? null : source.LocalPref ?? policy.DefaultLocalPref,
            MpUnreach = null,
        };
        if (afi == Afi.IPv4)
        {
            return exported with { NextHop = policy.IPv4NextHop ?? throw new InvalidOperationException("no IPv4 next hop"), MpReach = null };
        }

        var global = policy.IPv6NextHop ?? throw new InvalidOperationException("no IPv6 next hop");
        return exported with { NextHop = null, MpReach = new MpReachNlri(AfiSafi.IPv6Unicast, global, policy.IPv6LinkLocalNextHop, default) };
    }

    /// <summary>Adds <paramref name="asn"/> in front: into the leading AS_SEQUENCE while it has room, else a new segment.</summary>
    public static AsPath Prepend(AsPath path, uint asn)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Segments;
        if (!segments.IsEmpty && segments[0].Type == AsPathSegmentType.AsSequence && segments[0].Asns.Count < 255)
        {
            var first = segments[0].Asns;
            var asns = new uint[first.Count + 1];
            asns[0] = asn;
            first.AsSpan().CopyTo(asns.AsSpan(1));
            var copy = segments.ToArray();
            copy[0] = new AsPathSegment(AsPathSegmentType.AsSequence, asns);
            return new AsPath(copy);
        }

        var result = new AsPathSegment[segments.Count + 1];
        result[0] = new AsPathSegment(AsPathSegmentType.AsSequence, new[] { asn });
        segments.AsSpan().CopyTo(result.AsSpan(1));
        return new AsPath(result);
    }
}
