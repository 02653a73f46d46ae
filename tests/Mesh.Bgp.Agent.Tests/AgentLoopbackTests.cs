using System.Net;
using Mesh.Bgp.Agent.Api;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Fsm;
using Mesh.Bgp.Speaker;
using Mesh.Bgp.Speaker.Configuration;
using Mesh.Testing;
using Mesh.Testing.Bgp;
using Mesh.Testing.Etcd;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Bgp.Agent.Tests;

/// <summary>
/// The agent (configured by Cilium BGP v2 YAML) peering on loopback with a plain Mesh speaker playing the router
/// (127.0.0.2, passive), with the control API on a loopback port.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class AgentLoopbackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly IPAddress Node = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Router = IPAddress.Parse("127.0.0.2");

    private sealed class Lab : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task<int> _run = Task.FromResult(0);

        public BgpSpeaker RouterSpeaker { get; } = new(new SpeakerOptions { ListenEndPoints = [new IPEndPoint(Router, 0)] });

        public ChannelObjectSource Source { get; } = new();

        public HttpClient Http { get; private set; } = null!;

        public BgpApiClient Api { get; private set; } = null!;

        public int RouterPort => RouterSpeaker.ListenEndPoints[0].Port;

        public async Task StartAsync()
        {
            await RouterSpeaker.StartAsync(CancellationToken.None);
            await RouterSpeaker.AddPeerAsync(new PeerConfig(Node, 65001, 65000, IPAddress.Parse("10.0.0.1")) { Passive = true, HoldTime = 9 }, CancellationToken.None);
            var api = new IPEndPoint(IPAddress.Loopback, FreeTcpPort.Allocate());
            var options = new BgpAgentOptions { NodeName = "node-a", ApiEndPoint = api, IdleHoldTime = TimeSpan.FromMilliseconds(200) };
            _run = BgpAgentHost.RunAsync(options, Source, NullLoggerFactory.Instance, null, _stop.Token);
            Http = BgpApiClient.CreateHttpClient(api);
            Api = new BgpApiClient(Http);
        }

        public PeerStatusView RouterView => new(RouterSpeaker.Peers.Single());

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run;
            await RouterSpeaker.DisposeAsync();
            Http?.Dispose();
            _stop.Dispose();
        }
    }

    internal sealed record PeerStatusView(Speaker.Status.PeerStatus Status)
    {
        public override string ToString() => Status.ToString();
    }

    private static async Task<PathAttributes?> RouteAtRouterAsync(Lab lab, string prefix)
    {
        var routes = await lab.RouterSpeaker.ReceivedRoutesAsync(Node, CancellationToken.None);
        return routes.FirstOrDefault(r => r.Prefix == Prefix.Parse(prefix))?.Attributes;
    }

    [Fact]
    public async Task Agent_AdvertisementChanges_RoutesFollowWithoutSessionReset()
    {
        await using var lab = new Lab();
        await lab.StartAsync();
        lab.Source.Upsert(BgpManifests.Node, BgpManifests.Cluster("127.0.0.2"), BgpManifests.PeerConfig(port: lab.RouterPort), BgpManifests.Advertisement(), BgpManifests.Override("127.0.0.1"));
        lab.Source.Synced();

        await Poll.UntilAsync(async () => await RouteAtRouterAsync(lab, "10.244.1.0/24") is not null, Timeout, () => $"router: {lab.RouterView}");
        (await RouteAtRouterAsync(lab, "10.244.1.0/24"))!.Communities.Should().Equal(Community.Create(65001, 99));
        var establishedAt = lab.RouterSpeaker.Peers.Single().EstablishedAt;

        // Advertisement change, a new unrelated Service: new attributes arrive on the same session.
        lab.Source.Upsert(BgpManifests.Advertisement("65001:100"), "apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: default}\nspec: {clusterIP: 10.96.0.9, ports: [{port: 80}]}\n");
        await Poll.UntilAsync(async () => (await RouteAtRouterAsync(lab, "10.244.1.0/24"))?.Communities.Contains(Community.Create(65001, 100)) == true,
            Timeout, () => $"router: {lab.RouterView}");

        // An invalid advertisement leaves the routes as they are; the status names resource and field.
        lab.Source.Upsert(BgpManifests.Advertisement("65001:bogus"));
        await Poll.UntilAsync(async () => (await lab.Api.StatusAsync(CancellationToken.None)).Errors.Count > 0, Timeout, () => "no config error reported");
        (await lab.Api.StatusAsync(CancellationToken.None)).Errors.Should().Contain(
            "CiliumBGPAdvertisement default: spec.advertisements[0].attributes.communities.standard[0]: '65001:bogus' is not a community (ASN:value or a 32-bit number)");
        (await RouteAtRouterAsync(lab, "10.244.1.0/24"))!.Communities.Should().Equal(Community.Create(65001, 100));

        var router = lab.RouterSpeaker.Peers.Single();
        router.State.Should().Be(SessionState.Established);
        router.EstablishedAt.Should().Be(establishedAt, "no change touched the session's parameters");

        // A timer change does reset the session (as in Cilium).
        lab.Source.Upsert(BgpManifests.PeerConfig(hold: 12, port: lab.RouterPort), BgpManifests.Advertisement("65001:100"));
        await Poll.UntilAsync(() => lab.RouterSpeaker.Peers.Single() is { State: SessionState.Established } p && p.EstablishedAt != establishedAt && p.NegotiatedHoldTime == 9,
            Timeout, () => $"router: {lab.RouterView}");
    }

    [Fact]
    public async Task ControlApi_RoutesAddPeersAdvertisedMetrics_ReflectSpeaker()
    {
        await using var lab = new Lab();
        await lab.StartAsync();
        lab.Source.Upsert(BgpManifests.Node, BgpManifests.Cluster("127.0.0.2"), BgpManifests.PeerConfig(port: lab.RouterPort), BgpManifests.Advertisement(), BgpManifests.Override("127.0.0.1"));
        lab.Source.Synced();
        await Poll.UntilAsync(() => lab.RouterSpeaker.Peers.Single().State == SessionState.Established, Timeout, () => $"router: {lab.RouterView}");

        var reply = await lab.Api.AddRoutesAsync(new RoutesChange(["16.0.0.0/24", "16.0.1.0/24"], ["65001:100", "no-export", "65001:1:1"]), CancellationToken.None);
        reply.Count.Should().Be(2);
        await Poll.UntilAsync(() => lab.RouterSpeaker.Peers.Single().ReceivedRoutes == 3, Timeout, () => $"router: {lab.RouterView}");
        var injected = (await RouteAtRouterAsync(lab, "16.0.1.0/24"))!;
        injected.Communities.Should().Equal(Community.Create(65001, 100), Community.NoExport);
        injected.LargeCommunities.Should().Equal(new LargeCommunity(65001, 1, 1));

        var peers = await lab.Api.PeersAsync(CancellationToken.None);
        peers.Should().ContainSingle().Which.Should().Match<PeerView>(p =>
            p.Node == "node-a" && p.Name == "main/tor-a" && p.LocalAsn == 65001 && p.PeerAsn == 65000 && p.PeerAddress == "127.0.0.2" && p.SessionState == "established");
        peers[0].Families.Should().Equal(new FamilyView("ipv4/unicast", 0, 3));

        var advertised = await lab.Api.RoutesAsync("advertised", "127.0.0.2", CancellationToken.None);
        advertised.Select(r => r.Prefix).Should().Equal("10.244.1.0/24", "16.0.0.0/24", "16.0.1.0/24");
        advertised[2].Attributes.Should().Be("{Origin: i} {AsPath: 65001} {Nexthop: 127.0.0.1} {Communities: 65001:100, no-export} {LargeCommunity: [65001:1:1]}");
        var available = await lab.Api.RoutesAsync("available", null, CancellationToken.None);
        available.Select(r => (r.Prefix, r.NextHop)).Should().Equal(("10.244.1.0/24", "0.0.0.0"), ("16.0.0.0/24", "0.0.0.0"), ("16.0.1.0/24", "0.0.0.0"));

        var metrics = await lab.Api.MetricsAsync(CancellationToken.None);
        metrics.Should().Contain("cilium_bgp_control_plane_session_state{vrouter=\"65001\",neighbor=\"127.0.0.2\",neighbor_asn=\"65000\"} 1")
            .And.Contain("cilium_bgp_control_plane_advertised_routes{vrouter=\"65001\",neighbor=\"127.0.0.2\",neighbor_asn=\"65000\",afi=\"ipv4\",safi=\"unicast\"} 3")
            .And.Contain("cilium_bgp_control_plane_received_routes{vrouter=\"65001\",neighbor=\"127.0.0.2\",neighbor_asn=\"65000\",afi=\"ipv4\",safi=\"unicast\"} 0");

        await lab.Api.DeleteRoutesAsync(new RoutesChange(["16.0.0.0/24", "16.0.1.0/24"]), CancellationToken.None);
        await Poll.UntilAsync(() => lab.RouterSpeaker.Peers.Single().ReceivedRoutes == 1, Timeout, () => $"router: {lab.RouterView}");

        var bad = () => lab.Api.AddRoutesAsync(new RoutesChange(["16.0.0.0/33"]), CancellationToken.None);
        (await bad.Should().ThrowAsync<BgpApiException>()).Which.Message.Should().Be("'16.0.0.0/33' is not a prefix (address/length)");
    }
}
