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
/// Interop with real FRR bgpd. Topology: two test namespaces joined by a veth pair,
/// mesh (eth-frr 10.0.1.2/30) &lt;-&gt; frr (eth-mesh 10.0.1.1/30). FRR zebra+bgpd run inside "frr"; our speaker
/// runs in this process and gets its sockets (listener on 10.0.1.2:179 and outbound connects) created inside
/// "mesh" through <see cref="NamespaceSockets"/>, so both sides use port 179 and no host networking is touched.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class FrrInteropTests(ITestOutputHelper output)
{
    private const string MeshAddress = "10.0.1.2";
    private const string FrrAddress = "10.0.1.1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private const string BgpdConfig = """
        router bgp 65000
         bgp router-id 10.0.0.1
         no bgp ebgp-requires-policy
         no bgp default ipv4-unicast
         no bgp network import-check
         neighbor 10.0.1.2 remote-as 65001
         neighbor 10.0.1.2 timers 3 9
         neighbor 10.0.1.2 timers connect 1
         address-family ipv4 unicast
          network 10.200.1.0/24
          neighbor 10.0.1.2 activate
          neighbor 10.0.1.2 soft-reconfiguration inbound
         exit-address-family
        !
        """;

    private static Prefix[] Slash24s(int count) =>
        Enumerable.Range(0, count).Select(i => Prefix.IPv4((uint)((10 << 24) + (100 << 16) + (i << 8)), 24)).ToArray();

    [ToolsFact("bgpd", "zebra", "vtysh")]
    public async Task Session_WithFrr_ExchangesAndWithdrawsRoutes()
    {
        await using var mesh = await NetworkNamespace.CreateAsync("mesh");
        await using var frrNs = await NetworkNamespace.CreateAsync("frr");
        await mesh.ConnectAsync("eth-frr", frrNs, "eth-mesh");
        await mesh.AddAddressAsync("eth-frr", $"{MeshAddress}/30");
        await frrNs.AddAddressAsync("eth-mesh", $"{FrrAddress}/30");
        await using var frr = await FrrRouter.StartAsync(frrNs, BgpdConfig);

        await using var speaker = new BgpSpeaker(new SpeakerOptions
        {
            ListenEndPoints = [new IPEndPoint(IPAddress.Parse(MeshAddress), 179)],
            SocketFactory = NamespaceSockets.Factory(mesh.Name),
        }, logger: new TestLogger<BgpSpeaker>(output, "mesh"));
        var attributes = new PathAttributes
        {
            Communities = new[] { Community.Create(65001, 100) },
            LargeCommunities = new[] { new LargeCommunity(65001, 1, 1) },
        };
        const int count = 1000;
        var prefixes = Slash24s(count);
        // Half goes out in the initial dump after Established, the other half as live UPDATEs.
        await speaker.AdvertiseAsync(prefixes[..(count / 2)], attributes, CancellationToken.None);
        await speaker.StartAsync(CancellationToken.None);
        await speaker.AddPeerAsync(new PeerConfig(IPAddress.Parse(FrrAddress), 65000, 65001, IPAddress.Parse(MeshAddress))
        {
            LocalAddress = IPAddress.Parse(MeshAddress),
            HoldTime = 9,
            ConnectRetryTime = TimeSpan.FromSeconds(1),
            IdleHoldTime = TimeSpan.FromMilliseconds(500),
        }, CancellationToken.None);

        await Eventually.HoldsAsync(
            () => speaker.Peers.Single().State == SessionState.Established,
            Timeout, () => $"ours: {speaker.Peers.Single()}\n{frr.Logs}");
        await speaker.AdvertiseAsync(prefixes[(count / 2)..], attributes, CancellationToken.None);

        // FRR receives all N with our AS path, next hop and communities.
        await Eventually.HoldsAsync(
            async () => (await frr.NeighborAsync(MeshAddress)) == ("Established", count),
            Timeout, () => $"FRR: {frr.VtyshAsync("show bgp ipv4 unicast summary json").GetAwaiter().GetResult().StandardOutput}, ours: {speaker.Peers.Single()}\n{frr.Logs}");
        var route = await frr.JsonAsync($"show bgp ipv4 unicast {prefixes[count - 1]} json");
        var path = route["paths"]![0]!;
        path["aspath"]!["string"]!.GetValue<string>().Should().Be("65001");
        path["community"]!["string"]!.GetValue<string>().Should().Be("65001:100");
        path["largeCommunity"]!["string"]!.GetValue<string>().Should().Be("65001:1:1");
        path["nexthops"]![0]!["ip"]!.GetValue<string>().Should().Be(MeshAddress);

        // We receive FRR's network statement.
        var frrPrefix = Prefix.Parse("10.200.1.0/24");
        await Eventually.HoldsAsync(
            () => speaker.Peers.Single().ReceivedRoutes == 1, Timeout, () => $"ours: {speaker.Peers.Single()}");
        var received = (await speaker.ReceivedRoutesAsync(IPAddress.Parse(FrrAddress), CancellationToken.None)).Single();
        received.Prefix.Should().Be(frrPrefix);
        received.NextHop.Should().Be(IPAddress.Parse(FrrAddress));
        received.Attributes.AsPath!.ToString().Should().Be(AsPath.Sequence(65000).ToString());

        // Withdrawals in both directions.
        await speaker.WithdrawAsync(prefixes, CancellationToken.None);
        await Eventually.HoldsAsync(
            async () => (await frr.NeighborAsync(MeshAddress)) == ("Established", 0),
            Timeout, () => $"FRR: {frr.NeighborAsync(MeshAddress).GetAwaiter().GetResult()}");
        (await frr.VtyshAsync("configure terminal", "router bgp 65000", "address-family ipv4 unicast", "no network 10.200.1.0/24")).EnsureSuccess();
        await Eventually.HoldsAsync(
            () => speaker.Peers.Single().ReceivedRoutes == 0, Timeout, () => $"ours: {speaker.Peers.Single()}");
        speaker.Peers.Single().State.Should().Be(SessionState.Established);
    }
}
