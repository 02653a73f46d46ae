using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Fsm;
using Mesh.Bgp.Speaker.Status;

namespace Mesh.Bgp.Agent.Api;

/// <summary>Builds the control API's views from the agent's speaker and plan.</summary>
internal static class BgpViews
{
    public static PeerView[] Peers(BgpAgent agent)
    {
        var speaker = agent.RequireSpeaker();
        var now = agent.Time.GetUtcNow();
        var names = agent.Plan?.Peers.Where(p => p.Peer is not null).ToDictionary(p => p.Peer!.Address, p => p.Key) ?? [];
        return [.. speaker.Peers
            .OrderBy(p => p.Address.ToString(), StringComparer.Ordinal)
            .Select(p => new PeerView(
                agent.Options.NodeName,
                names.GetValueOrDefault(p.Address, string.Empty),
                p.LocalAsn,
                p.RemoteAsn,
                p.Address.ToString(),
                StateName(p.State),
                (long)p.Uptime(now).TotalSeconds,
                [.. p.Families.Select(f => new FamilyView(FamilyName(f.Family), f.Received, f.Advertised))],
                p.LastError))];
    }

    public static async Task<RouteView[]> AvailableAsync(BgpAgent agent, CancellationToken cancellationToken)
    {
        var local = await agent.RequireSpeaker().LocalRoutesAsync(cancellationToken).ConfigureAwait(false);
        var routes = new Dictionary<Prefix, PathAttributes>(local);
        foreach (var peer in agent.Plan?.Peers ?? [])
        {
            foreach (var (prefix, attributes) in peer.Routes)
            {
                routes.TryAdd(prefix, attributes);
            }
        }

        var now = agent.Time.GetUtcNow();
        return [.. routes.OrderBy(r => r.Key).Select(r => View(r.Key, r.Value, agent.FirstSeen(r.Key) is { } at ? now - at : TimeSpan.Zero, null, local: true))];
    }

    public static async Task<RouteView[]> AdvertisedAsync(BgpAgent agent, IPAddress? peer, CancellationToken cancellationToken)
    {
        var speaker = agent.RequireSpeaker();
        var result = new List<RouteView>();
        foreach (var status in Selected(speaker.Peers, peer))
        {
            var advertised = await speaker.AdvertisedRoutesAsync(status.Address, cancellationToken).ConfigureAwait(false);
            var now = agent.Time.GetUtcNow();
            result.AddRange(advertised.OrderBy(r => r.Key).Select(r =>
                View(r.Key, r.Value, agent.FirstSeen(r.Key) is { } at ? now - at : TimeSpan.Zero, status.Address.ToString(), local: false)));
        }

        return [.. result];
    }

    public static async Task<RouteView[]> ReceivedAsync(BgpAgent agent, IPAddress? peer, CancellationToken cancellationToken)
    {
        var speaker = agent.RequireSpeaker();
        var now = agent.Time.GetUtcNow();
        var result = new List<RouteView>();
        foreach (var status in Selected(speaker.Peers, peer))
        {
            var received = await speaker.ReceivedRoutesAsync(status.Address, cancellationToken).ConfigureAwait(false);
            result.AddRange(received.OrderBy(r => r.Prefix).Select(r => View(r.Prefix, r.Attributes, now - r.ReceivedAt, status.Address.ToString(), local: false)));
        }

        return [.. result];
    }

    public static string StateName(SessionState state) => state.ToString().ToLowerInvariant();

    public static string FamilyName(AfiSafi family) => $"{(family.Afi == Afi.IPv6 ? "ipv6" : "ipv4")}/{(family.Safi == Safi.Unicast ? "unicast" : family.Safi.ToString().ToLowerInvariant())}";

    private static IEnumerable<PeerStatus> Selected(IReadOnlyList<PeerStatus> peers, IPAddress? peer) =>
        peers.Where(p => peer is null || p.Address.Equals(peer)).OrderBy(p => p.Address.ToString(), StringComparer.Ordinal);

    private static RouteView View(Prefix prefix, PathAttributes attributes, TimeSpan age, string? peer, bool local)
    {
        var nextHop = AttributeText.NextHop(attributes);
        if (local && nextHop.Length == 0)
        {
            nextHop = prefix.IsIPv6 ? "::" : "0.0.0.0";
        }

        return new RouteView(
            prefix.ToString(),
            nextHop,
            (long)Math.Max(0, age.TotalSeconds),
            peer,
            AttributeText.Format(attributes),
            attributes.AsPath?.ToString() ?? string.Empty,
            AttributeText.Communities(attributes),
            [.. attributes.LargeCommunities.ToArray().Select(l => l.ToString())],
            attributes.LocalPref);
    }
}
