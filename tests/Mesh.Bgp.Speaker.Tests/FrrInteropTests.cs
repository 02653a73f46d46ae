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
/// mesh (eth-frr 10.0.1.2/30, fd00:0:1::2/64) &lt;-&gt; frr (eth-mesh 10.0.1.1/30, fd00:0:1::1/64).
/// FRR zebra+bgpd run inside "frr". Our speaker runs in this process and gets its sockets (listener on
/// port 179 and outbound connects) created inside "mesh" through <see cref="NamespaceSockets"/>: the
/// simplest reliable setup, because both sides use the real port 179, the test process needs no
/// re-exec, and nothing outside the two namespaces is touched.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class FrrInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string BgpdConfig(string neighbor, string afi, string network, string? password) => $"""
        router bgp 65000
         bgp router-id 10.0.0.1
         no bgp ebgp-requires-policy
         no bgp default ipv4-unicast
         no bgp network import-check
         neighbor {neighbor} remote-as 65001
         neighbor {neighbor} timers 3 9
         neighbor {neighbor} timers connect 1
         {(password is null ? "!" : $"neighbor {neighbor} password {password}")}
         address-family {afi} unicast
          network {network}
          neighbor {neighbor} activate
         exit-address-family
        !
        """;

    [ToolsFact("bgpd", "zebra", "vtysh")]
    public Task Session_WithFrrOverIPv4_ExchangesAndWithdrawsRoutes() =>
        ExchangeAsync("10.0.1.2", "10.0.1.1", "30", "10.200.1.0/24",
            Enumerable.Range(0, 1000).Select(i => Prefix.IPv4((uint)((10 << 24) + (100 << 16) + (i << 8)), 24)).ToArray());

    [ToolsFact("bgpd", "zebra", "vtysh")]
    public Task Session_WithFrrOverIPv4AndTcpMd5_ExchangesAndWithdrawsRoutes() =>
        ExchangeAsync("10.0.1.2", "10.0.1.1", "30", "10.200.1.0/24",
            Enumerable.Range(0, 100).Select(i => Prefix.IPv4((uint)((10 << 24) + (100 << 16) + (i << 8)), 24)).ToArray(), "mesh-md5-secret");

    [ToolsFact("bgpd", "zebra", "vtysh")]
    public Task Session_WithFrrOverIPv6_ExchangesAndWithdrawsRoutes() =>
        ExchangeAsync("fd00:0:1::2", "fd00:0:1::1", "64", "fd00:200:1::/64",
            Enumerable.Range(0, 1000).Select(i => Prefix.IPv6(((UInt128)0xfd00_0100_0000_0000UL << 64) + ((UInt128)(uint)i << 64), 64)).ToArray());

    private async Task ExchangeAsync(string meshAddress, string frrAddress, string length, string frrNetwork, Prefix[] prefixes, string? password = null)
    {
        var ipv6 = meshAddress.Contains(':', StringComparison.Ordinal);
        var afi = ipv6 ? "ipv6" : "ipv4";
        await using var mesh = await NetworkNamespace.CreateAsync("mesh");
        await using var frrNs = await NetworkNamespace.CreateAsync("frr");
        await mesh.ConnectAsync("eth-frr", frrNs, "eth-mesh");
        await mesh.AddAddressAsync("eth-frr", $"{meshAddress}/{length}");
        await frrNs.AddAddressAsync("eth-mesh", $"{frrAddress}/{length}");
        await using var frr = await FrrRouter.StartAsync(frrNs, BgpdConfig(meshAddress, afi, frrNetwork, password));

        await using var speaker = new BgpSpeaker(new SpeakerOptions
        {
            ListenEndPoints = [new IPEndPoint(IPAddress.Parse(meshAddress), 179)],
            SocketFactory = NamespaceSockets.Factory(mesh.Name),
        }, logger: new TestLogger<BgpSpeaker>(output, "mesh"));
        var attributes = new PathAttributes
        {
            Communities = new[] { Community.Create(65001, 100) },
            LargeCommunities = new[] { new LargeCommunity(65001, 1, 1) },
        };
        var count = prefixes.Length;
        // Half goes out in the initial dump after Established, the other half as live UPDATEs.
        await speaker.AdvertiseAsync(prefixes[..(count / 2)], attributes, CancellationToken.None);
        await speaker.StartAsync(CancellationToken.None);
        await speaker.AddPeerAsync(new PeerConfig(IPAddress.Parse(frrAddress), 65000, 65001, IPAddress.Parse("10.0.1.2"))
        {
            LocalAddress = IPAddress.Parse(meshAddress),
            HoldTime = 9,
            ConnectRetryTime = TimeSpan.FromSeconds(1),
            IdleHoldTime = TimeSpan.FromMilliseconds(500),
            ExtendedMessages = true,
            Password = password,
        }, CancellationToken.None);

        await Poll.UntilAsync(
            () => speaker.Peers.Single().State == SessionState.Established,
            Timeout, () => $"ours: {speaker.Peers.Single()}\n{frr.Logs}");
        await speaker.AdvertiseAsync(prefixes[(count / 2)..], attributes, CancellationToken.None);

        // FRR receives all N with our AS path, next hop and communities.
        await Poll.UntilAsync(
            async () => (await frr.NeighborAsync(meshAddress)) == ("Established", count),
            Timeout, () => $"FRR: {frr.VtyshAsync($"show bgp {afi} unicast summary json").GetAwaiter().GetResult().StandardOutput}, ours: {speaker.Peers.Single()}\n{frr.Logs}");
        var route = await frr.JsonAsync($"show bgp {afi} unicast {prefixes[count - 1]} json");
        var path = route["paths"]![0]!;
        path["aspath"]!["string"]!.GetValue<string>().Should().Be("65001");
        path["community"]!["string"]!.GetValue<string>().Should().Be("65001:100");
        path["largeCommunity"]!["string"]!.GetValue<string>().Should().Be("65001:1:1");
        path["nexthops"]![0]!["ip"]!.GetValue<string>().Should().Be(meshAddress);

        var neighbor = await frr.JsonAsync($"show bgp neighbors {meshAddress} json");
        var capabilities = neighbor[meshAddress]!["neighborCapabilities"]!;
        capabilities["extendedMessage"]!.GetValue<string>().Should().Be("advertisedAndReceived", capabilities.ToJsonString());
        capabilities["routeRefresh"]!.GetValue<string>().Should().Contain("Received", capabilities.ToJsonString());

        // Route refresh (RFC 2918): without soft-reconfiguration inbound FRR asks us to resend everything.
        var sentBefore = speaker.Peers.Single().UpdatesSent;
        (await frr.VtyshAsync($"clear bgp {afi} unicast {meshAddress} soft in")).EnsureSuccess();
        await Poll.UntilAsync(
            () => speaker.Peers.Single().UpdatesSent > sentBefore, Timeout, () => $"no refresh answered: {speaker.Peers.Single()}");
        await Poll.UntilAsync(
            async () => (await frr.NeighborAsync(meshAddress)) == ("Established", count),
            Timeout, () => $"FRR after refresh: {frr.NeighborAsync(meshAddress).GetAwaiter().GetResult()}");

        // We receive FRR's network statement.
        await Poll.UntilAsync(
            () => speaker.Peers.Single().ReceivedRoutes == 1, Timeout, () => $"ours: {speaker.Peers.Single()}");
        var received = (await speaker.ReceivedRoutesAsync(IPAddress.Parse(frrAddress), CancellationToken.None)).Single();
        received.Prefix.Should().Be(Prefix.Parse(frrNetwork));
        received.NextHop.Should().Be(IPAddress.Parse(frrAddress));
        received.Attributes.AsPath!.ToString().Should().Be(AsPath.Sequence(65000).ToString());

        // Withdrawals in both directions.
        await speaker.WithdrawAsync(prefixes, CancellationToken.None);
        await Poll.UntilAsync(
            async () => (await frr.NeighborAsync(meshAddress)) == ("Established", 0),
            Timeout, () => $"FRR: {frr.NeighborAsync(meshAddress).GetAwaiter().GetResult()}");
        (await frr.VtyshAsync("configure terminal", "router bgp 65000", $"address-family {afi} unicast", $"no network {frrNetwork}")).EnsureSuccess();
        await Poll.UntilAsync(
            () => speaker.Peers.Single().ReceivedRoutes == 0, Timeout, () => $"ours: {speaker.Peers.Single()}");
        speaker.Peers.Single().State.Should().Be(SessionState.Established);
        speaker.Peers.Single().UpdatesSent.Should().BeLessThan(20, "{0} prefixes with one attribute set pack into a few UPDATEs", count);
    }
}
