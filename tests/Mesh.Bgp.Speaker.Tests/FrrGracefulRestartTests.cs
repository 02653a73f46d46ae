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
/// Graceful restart with FRR as helper (topology of <see cref="FrrInteropTests"/>): while our speaker restarts, FRR
/// keeps our routes in the kernel FIB of its namespace; after the new instance's End-of-RIB only the renewed ones stay.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class FrrGracefulRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private const string BgpdConfig = """
        router bgp 65000
         bgp router-id 10.0.0.1
         no bgp ebgp-requires-policy
         no bgp default ipv4-unicast
         bgp graceful-restart
         neighbor 10.0.1.2 remote-as 65001
         neighbor 10.0.1.2 timers 3 9
         neighbor 10.0.1.2 timers connect 1
         address-family ipv4 unicast
          neighbor 10.0.1.2 activate
         exit-address-family
        !
        """;

    private BgpSpeaker Speaker(NetworkNamespace mesh) => new(new SpeakerOptions
    {
        ListenEndPoints = [new IPEndPoint(IPAddress.Parse("10.0.1.2"), 179)],
        SocketFactory = NamespaceSockets.Factory(mesh.Name),
    }, logger: new TestLogger<BgpSpeaker>(output, "mesh"));

    private static PeerConfig Peer => new(IPAddress.Parse("10.0.1.1"), 65000, 65001, IPAddress.Parse("10.0.1.2"))
    {
        LocalAddress = IPAddress.Parse("10.0.1.2"),
        HoldTime = 9,
        ConnectRetryTime = TimeSpan.FromSeconds(1),
        GracefulRestart = true,
        RestartTime = TimeSpan.FromSeconds(120),
        Families = [AfiSafi.IPv4Unicast],
    };

    private static async Task<int> KernelRoutesAsync(NetworkNamespace ns)
    {
        var routes = await ns.ExecCheckedAsync("ip", "-4", "route", "show", "proto", "bgp");
        return routes.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    [ToolsFact("bgpd", "zebra", "vtysh")]
    public async Task Restart_WithFrrHelper_RoutesStayInFrrFibAcrossOurRestart()
    {
        await using var mesh = await NetworkNamespace.CreateAsync("mesh");
        await using var frrNs = await NetworkNamespace.CreateAsync("frr");
        await mesh.ConnectAsync("eth-frr", frrNs, "eth-mesh");
        await mesh.AddAddressAsync("eth-frr", "10.0.1.2/30");
        await frrNs.AddAddressAsync("eth-mesh", "10.0.1.1/30");
        await using var frr = await FrrRouter.StartAsync(frrNs, BgpdConfig);
        var prefixes = Enumerable.Range(0, 100).Select(i => Prefix.IPv4((uint)((10 << 24) + (100 << 16) + (i << 8)), 24)).ToArray();

        var first = Speaker(mesh);
        await first.AdvertiseAsync(prefixes, PathAttributes.Empty, CancellationToken.None);
        await first.StartAsync(CancellationToken.None);
        await first.AddPeerAsync(Peer, CancellationToken.None);
        await Poll.UntilAsync(async () => await KernelRoutesAsync(frrNs) == 100, Timeout,
            () => $"FRR FIB: {KernelRoutesAsync(frrNs).GetAwaiter().GetResult()}, ours: {first.Peers.Single()}\n{frr.Logs}");
        var neighbor = await frr.JsonAsync("show bgp neighbors 10.0.1.2 json");
        neighbor["10.0.1.2"]!["neighborCapabilities"]!["enhancedRouteRefresh"]!.GetValue<string>().Should().Be("advertisedAndReceived");
        neighbor["10.0.1.2"]!["gracefulRestartInfo"]!["remoteGrMode"]!.GetValue<string>().Should().Be("Restart", neighbor.ToJsonString());

        // Our restart: Cease with the N bit; FRR keeps the routes, in BGP and in the kernel.
        await first.DisposeAsync();
        await Poll.UntilAsync(async () => (await frr.NeighborAsync("10.0.1.2")).State != "Established", Timeout, () => "FRR still Established");
        (await KernelRoutesAsync(frrNs)).Should().Be(100, "FRR as graceful restart helper keeps forwarding to us");

        // The new instance renews half; FRR drops the other half after our End-of-RIB.
        await using var second = Speaker(mesh);
        await second.AdvertiseAsync(prefixes[..50], PathAttributes.Empty, CancellationToken.None);
        await second.StartAsync(CancellationToken.None);
        await second.AddPeerAsync(Peer, CancellationToken.None);
        await Poll.UntilAsync(() => second.Peers.Single().State == SessionState.Established, Timeout, () => $"ours: {second.Peers.Single()}\n{frr.Logs}");
        await Poll.UntilAsync(async () => await KernelRoutesAsync(frrNs) == 50 && (await frr.NeighborAsync("10.0.1.2")) == ("Established", 50), Timeout,
            () => $"FRR FIB: {KernelRoutesAsync(frrNs).GetAwaiter().GetResult()}, FRR: {frr.NeighborAsync("10.0.1.2").GetAwaiter().GetResult()}");

        // Route refresh answered with BoRR/EoRR (RFC 7313): FRR keeps exactly what we advertise.
        var sentBefore = second.Peers.Single().UpdatesSent;
        (await frr.VtyshAsync("clear bgp ipv4 unicast 10.0.1.2 soft in")).EnsureSuccess();
        await Poll.UntilAsync(() => second.Peers.Single().UpdatesSent > sentBefore, Timeout, () => $"no refresh answered: {second.Peers.Single()}");
        await Poll.UntilAsync(async () => (await frr.NeighborAsync("10.0.1.2")) == ("Established", 50), Timeout,
            () => $"FRR after refresh: {frr.NeighborAsync("10.0.1.2").GetAwaiter().GetResult()}");
    }
}
