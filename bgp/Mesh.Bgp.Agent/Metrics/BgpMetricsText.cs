using System.Globalization;
using System.Text;
using Mesh.Bgp.Agent.Api;
using Mesh.Bgp.Fsm;
using Mesh.Bgp.Speaker.Status;

namespace Mesh.Bgp.Agent.Metrics;

/// <summary>
/// Cilium's BGP control plane metrics in the Prometheus text format, from the speaker's peer snapshot:
/// <c>cilium_bgp_control_plane_session_state</c> (1 Established, 0 otherwise) and per family
/// <c>_advertised_routes</c> / <c>_received_routes</c>, labelled vrouter (local AS), neighbor, neighbor_asn, afi, safi.
/// </summary>
public static class BgpMetricsText
{
    private const string Prefix = "cilium_bgp_control_plane_";

    public static string Render(IReadOnlyList<PeerStatus> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var text = new StringBuilder();
        Header(text, "session_state", "BGP session state: 1 when Established, else 0");
        foreach (var peer in peers)
        {
            text.Append(Prefix).Append("session_state").Append(Labels(peer, null)).Append(' ')
                .AppendLine(peer.State == SessionState.Established ? "1" : "0");
        }

        foreach (var (name, help, advertised) in new[] { ("advertised_routes", "Prefixes advertised to the peer", true), ("received_routes", "Prefixes received from the peer", false) })
        {
            Header(text, name, help);
            foreach (var peer in peers)
            {
                foreach (var family in peer.Families)
                {
                    text.Append(Prefix).Append(name).Append(Labels(peer, family)).Append(' ')
                        .AppendLine((advertised ? family.Advertised : family.Received).ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        return text.ToString();
    }

    private static void Header(StringBuilder text, string name, string help)
    {
        text.Append("# HELP ").Append(Prefix).Append(name).Append(' ').AppendLine(help);
        text.Append("# TYPE ").Append(Prefix).Append(name).AppendLine(" gauge");
    }

    private static string Labels(PeerStatus peer, FamilyRouteCount? family)
    {
        var labels = string.Create(CultureInfo.InvariantCulture, $"vrouter=\"{peer.LocalAsn}\",neighbor=\"{peer.Address}\",neighbor_asn=\"{peer.RemoteAsn}\"");
        if (family is { } f)
        {
            var parts = BgpViews.FamilyName(f.Family).Split('/');
            labels += $",afi=\"{parts[0]}\",safi=\"{parts[1]}\"";
        }

        return "{" + labels + "}";
    }
}
