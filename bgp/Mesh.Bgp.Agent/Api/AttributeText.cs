using System.Globalization;
using System.Text;
using Mesh.Bgp.Codec.Attributes;

namespace Mesh.Bgp.Agent.Api;

/// <summary>Path attributes as <c>cilium bgp routes</c> prints them: <c>{Origin: i} {AsPath: 65001} {Nexthop: 10.0.1.2} {Communities: 65000:99}</c>.</summary>
public static class AttributeText
{
    public static string Format(PathAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var text = new StringBuilder();
        var origin = attributes.Origin switch { Origin.Igp => "i", Origin.Egp => "e", Origin.Incomplete => "?", _ => null };
        if (origin is not null)
        {
            text.Append("{Origin: ").Append(origin).Append("} ");
        }

        if (attributes.AsPath is { Segments.Count: > 0 } path)
        {
            text.Append("{AsPath: ").Append(path).Append("} ");
        }

        if (NextHop(attributes) is { Length: > 0 } nextHop)
        {
            text.Append("{Nexthop: ").Append(nextHop).Append("} ");
        }

        if (attributes.MultiExitDisc is { } med)
        {
            text.Append("{Med: ").Append(med.ToString(CultureInfo.InvariantCulture)).Append("} ");
        }

        if (attributes.LocalPref is { } localPref)
        {
            text.Append("{LocalPref: ").Append(localPref.ToString(CultureInfo.InvariantCulture)).Append("} ");
        }

        if (!attributes.Communities.IsEmpty)
        {
            text.Append("{Communities: ").AppendJoin(", ", Communities(attributes)).Append("} ");
        }

        if (!attributes.LargeCommunities.IsEmpty)
        {
            text.Append("{LargeCommunity: [").AppendJoin(", ", attributes.LargeCommunities.ToArray()).Append("]} ");
        }

        return text.ToString().TrimEnd();
    }

    public static string NextHop(PathAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (attributes.MpReach is { } reach)
        {
            return reach.LinkLocalNextHop is { } linkLocal ? $"{reach.NextHop},{linkLocal}" : reach.NextHop.ToString();
        }

        return attributes.NextHop?.ToString() ?? string.Empty;
    }

    public static string[] Communities(PathAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        return [.. attributes.Communities.ToArray().Select(Name)];
    }

    private static string Name(Community community) => community switch
    {
        _ when community == Community.NoExport => "no-export",
        _ when community == Community.NoAdvertise => "no-advertise",
        _ when community == Community.NoExportSubconfed => "no-export-subconfed",
        _ when community == Community.NoPeer => "no-peer",
        _ when community == Community.Blackhole => "blackhole",
        _ when community == Community.LlgrStale => "llgr-stale",
        _ when community == Community.NoLlgr => "no-llgr",
        _ when community == Community.GracefulShutdown => "graceful-shutdown",
        _ when community == Community.AcceptOwn => "accept-own",
        _ => community.ToString(),
    };
}
