using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Fsm;
using Mesh.Bgp.Speaker.Configuration;
using Mesh.Testing;
using Mesh.Testing.Netns;
using Mesh.Testing.Prerequisites;
using Xunit.Abstractions;

namespace Mesh.Bgp.Speaker.Tests;

/// <summary>
/// Interop with real BIRD 2 (4-byte AS 4200000002) and GoBGP 3.10 over IPv4 and IPv6, in two namespaces the test
/// creates: mesh (eth-peer 10.0.1.2/30, fd00:0:1::2/64) &lt;-&gt; peer (eth-mesh 10.0.1.1/30, fd00:0:1::1/64).
/// Our speaker runs in-process with its sockets in "mesh" (see <see cref="NamespaceSockets"/>). Routes go both ways
/// with communities and large communities, then both sides withdraw.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class DaemonInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const uint BirdAsn = 4200000002;
    private const uint GoBgpAsn = 65002;

    private static readonly PathAttributes Ours = new()
    {
        Communities = new[] { Community.Create(65001, 100) },
        LargeCommunities = new[] { new LargeCommunity(65001, 1, 1) },
    };

    private static (string Mesh, string Peer, string Length, string Afi) Addresses(bool ipv6) =>
        ipv6 ? ("fd00:0:1::2", "fd00:0:1::1", "64", "ipv6") : ("10.0.1.2", "10.0.1.1", "30", "ipv4");

    private static Prefix[] OurPrefixes(bool ipv6, int count) => ipv6
        ? [.. Enumerable.Range(0, count).Select(i => Prefix.IPv6(((UInt128)0xfd00_0100_0000_0000UL << 64) + ((UInt128)(uint)i << 64), 64))]
        : [.. Enumerable.Range(0, count).Select(i => Prefix.IPv4((uint)((10 << 24) + (100 << 16) + (i << 8)), 24))];

    [ToolsFact("bird", "birdc")]
    public Task Session_WithBirdOverIPv4_ExchangesAndWithdrawsRoutes() => BirdAsync(ipv6: false);

    [ToolsFact("bird", "birdc")]
    public Task Session_WithBirdOverIPv6_ExchangesAndWithdrawsRoutes() => BirdAsync(ipv6: true);

    [ToolsFact("gobgpd", "gobgp")]
    public Task Session_WithGoBgpOverIPv4_ExchangesAndWithdrawsRoutes() => GoBgpAsync(ipv6: false);

    [ToolsFact("gobgpd", "gobgp")]
    public Task Session_WithGoBgpOverIPv6_ExchangesAndWithdrawsRoutes() => GoBgpAsync(ipv6: true);

    private static async Task<(NetworkNamespace Mesh, NetworkNamespace Peer)> NamespacesAsync(bool ipv6)
    {
        var (mesh, peer, length, _) = Addresses(ipv6);
        var meshNs = await NetworkNamespace.CreateAsync("mesh");
        var peerNs = await NetworkNamespace.CreateAsync("peer");
        try
        {
            await meshNs.ConnectAsync("eth-peer", peerNs, "eth-mesh");
            await meshNs.AddAddressAsync("eth-peer", $"{mesh}/{length}");
            await peerNs.AddAddressAsync("eth-mesh", $"{peer}/{length}");
        }
        catch
        {
            await peerNs.DisposeAsync();
            await meshNs.DisposeAsync();
            throw;
        }

        return (meshNs, peerNs);
    }

    private BgpSpeaker Speaker(NetworkNamespace mesh, bool ipv6) =>
        new(new SpeakerOptions
        {
            ListenEndPoints = [new IPEndPoint(IPAddress.Parse(Addresses(ipv6).Mesh), 179)],
            SocketFactory = NamespaceSockets.Factory(mesh.Name),
        }, logger: new TestLogger<BgpSpeaker>(output, "mesh"));

    private static PeerConfig Peer(bool ipv6, uint remoteAsn) =>
        new(IPAddress.Parse(Addresses(ipv6).Peer), remoteAsn, 65001, IPAddress.Parse("10.0.1.2"))
        {
            LocalAddress = IPAddress.Parse(Addresses(ipv6).Mesh),
            HoldTime = 9,
            ConnectRetryTime = TimeSpan.FromSeconds(1),
            IdleHoldTime = TimeSpan.FromMilliseconds(500),
            Families = [ipv6 ? AfiSafi.IPv6Unicast : AfiSafi.IPv4Unicast],
        };

    private async Task BirdAsync(bool ipv6)
    {
        var (meshAddress, peerAddress, _, afi) = Addresses(ipv6);
        var (meshNs, peerNs) = await NamespacesAsync(ipv6);
        await using var _ = meshNs;
        await using var __ = peerNs;
        var theirs = ipv6 ? new[] { "fd00:245:1::/64" } : ["10.245.1.0/24", "10.245.2.0/24"];
        var config = $$"""
            router id 10.0.1.1;
            protocol device { }
            protocol static demo { {{afi}}; {{string.Join(" ", theirs.Select(p => $"route {p} blackhole;"))}} }
            filter to_mesh {
              if source != RTS_STATIC then reject;
              bgp_community.add((65002,100));
              bgp_large_community.add((4200000002,1,1));
              accept;
            }
            protocol bgp mesh {
              local {{peerAddress}} as {{BirdAsn}};
              neighbor {{meshAddress}} as 65001;
              hold time 9; keepalive time 3; connect retry time 1; connect delay time 1; error wait time 1,5;
              {{afi}} { import all; export filter to_mesh; };
            }
            """;
        await using var bird = await BirdRouter.StartAsync(peerNs, config);
        await using var speaker = Speaker(meshNs, ipv6);
        var prefixes = OurPrefixes(ipv6, 500);
        await speaker.AdvertiseAsync(prefixes[..250], Ours, CancellationToken.None);
        await speaker.StartAsync(CancellationToken.None);
        await speaker.AddPeerAsync(Peer(ipv6, BirdAsn), CancellationToken.None);
        await Poll.UntilAsync(() => speaker.Peers.Single().State == SessionState.Established, Timeout, () => $"ours: {speaker.Peers.Single()}\n{bird.Logs}");
        await speaker.AdvertiseAsync(prefixes[250..], Ours, CancellationToken.None);

        // BIRD gets all of ours, with our AS path and both community kinds.
        await Poll.UntilAsync(async () => await bird.RouteCountAsync("mesh") == prefixes.Length, Timeout,
            () => $"BIRD has {bird.RouteCountAsync("mesh").GetAwaiter().GetResult()}; ours: {speaker.Peers.Single()}");
        var detail = await bird.ShowAsync($"show route {prefixes[^1]} all");
        detail.Should().Contain("BGP.as_path: 65001").And.Contain("BGP.community: (65001,100)").And.Contain("BGP.large_community: (65001, 1, 1)");

        // We get BIRD's, with its 4-byte AS and communities.
        await Poll.UntilAsync(() => speaker.Peers.Single().ReceivedRoutes == theirs.Length, Timeout, () => $"ours: {speaker.Peers.Single()}");
        var received = await speaker.ReceivedRoutesAsync(IPAddress.Parse(peerAddress), CancellationToken.None);
        received.Select(r => r.Prefix.ToString()).Should().BeEquivalentTo(theirs);
        var route = received[0];
        route.Attributes.AsPath!.ToString().Should().Be(AsPath.Sequence(BirdAsn).ToString());
        route.Attributes.Communities.Should().Equal(Community.Create(65002, 100));
        route.Attributes.LargeCommunities.Should().Equal(new LargeCommunity(BirdAsn, 1, 1));
        route.NextHop.Should().Be(IPAddress.Parse(peerAddress));

        // Withdrawals both ways.
        await speaker.WithdrawAsync(prefixes, CancellationToken.None);
        await Poll.UntilAsync(async () => await bird.RouteCountAsync("mesh") == 0, Timeout, () => $"BIRD still has {bird.RouteCountAsync("mesh").GetAwaiter().GetResult()}");
        (await bird.BirdcAsync("disable demo")).EnsureSuccess();
        await Poll.UntilAsync(() => speaker.Peers.Single().ReceivedRoutes == 0, Timeout, () => $"ours: {speaker.Peers.Single()}");
        (await bird.EstablishedAsync("mesh")).Should().BeTrue();
        speaker.Peers.Single().UpdatesSent.Should().BeLessThan(20, "500 prefixes with one attribute set pack into a few UPDATEs");
    }

    private async Task GoBgpAsync(bool ipv6)
    {
        var (meshAddress, peerAddress, _, afi) = Addresses(ipv6);
        var (meshNs, peerNs) = await NamespacesAsync(ipv6);
        await using var _ = meshNs;
        await using var __ = peerNs;
        var config = $$"""
            [global.config]
              as = {{GoBgpAsn}}
              router-id = "10.0.1.1"
            [[neighbors]]
              [neighbors.config]
                neighbor-address = "{{meshAddress}}"
                peer-as = 65001
              [neighbors.timers.config]
                connect-retry = 5
                hold-time = 9
                keepalive-interval = 3
              [[neighbors.afi-safis]]
                [neighbors.afi-safis.config]
                  afi-safi-name = "{{afi}}-unicast"
            """;
        await using var gobgp = await GoBgpRouter.StartAsync(peerNs, config);
        var theirs = ipv6 ? "fd00:244:1::/64" : "10.244.1.0/24";
        (await gobgp.GobgpAsync("global", "rib", "add", "-a", afi, theirs, "community", "65002:100", "large-community", "65002:1:1")).EnsureSuccess();

        await using var speaker = Speaker(meshNs, ipv6);
        var prefixes = OurPrefixes(ipv6, 500);
        await speaker.AdvertiseAsync(prefixes[..250], Ours, CancellationToken.None);
        await speaker.StartAsync(CancellationToken.None);
        await speaker.AddPeerAsync(Peer(ipv6, GoBgpAsn), CancellationToken.None);
        await Poll.UntilAsync(() => speaker.Peers.Single().State == SessionState.Established, Timeout, () => $"ours: {speaker.Peers.Single()}\n{gobgp.Logs}");
        await speaker.AdvertiseAsync(prefixes[250..], Ours, CancellationToken.None);

        // We receive and show GoBGP's route.
        await Poll.UntilAsync(() => speaker.Peers.Single().ReceivedRoutes == 1, Timeout, () => $"ours: {speaker.Peers.Single()}");
        var route = (await speaker.ReceivedRoutesAsync(IPAddress.Parse(peerAddress), CancellationToken.None)).Single();
        route.Prefix.Should().Be(Prefix.Parse(theirs));
        route.Attributes.AsPath!.ToString().Should().Be(AsPath.Sequence(GoBgpAsn).ToString());
        route.Attributes.Communities.Should().Equal(Community.Create(65002, 100));
        route.Attributes.LargeCommunities.Should().Equal(new LargeCommunity(65002, 1, 1));

        // GoBGP receives all of ours with communities.
        await Poll.UntilAsync(async () => (await gobgp.AdjInAsync(meshAddress, afi)).Count == prefixes.Length, Timeout,
            () => $"GoBGP has {gobgp.AdjInAsync(meshAddress, afi).GetAwaiter().GetResult().Count}; ours: {speaker.Peers.Single()}");
        var path = (await gobgp.AdjInAsync(meshAddress, afi))[prefixes[0].ToString()]!.ToJsonString();
        path.Should().Contain(((65001u << 16) | 100).ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain("65001");

        // Withdrawals both ways.
        await speaker.WithdrawAsync(prefixes, CancellationToken.None);
        await Poll.UntilAsync(async () => (await gobgp.AdjInAsync(meshAddress, afi)).Count == 0, Timeout, () => "GoBGP still has our routes");
        (await gobgp.GobgpAsync("global", "rib", "del", "-a", afi, theirs)).EnsureSuccess();
        await Poll.UntilAsync(() => speaker.Peers.Single().ReceivedRoutes == 0, Timeout, () => $"ours: {speaker.Peers.Single()}");
        (await gobgp.SessionStateAsync(meshAddress)).Should().Be(6, "the session stays Established");
    }
}
