using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Fsm;
using Mesh.Bgp.Speaker.Configuration;
using Mesh.Testing;

namespace Mesh.Bgp.Speaker.Tests;

/// <summary>
/// Graceful restart (RFC 4724 with RFC 8538's N bit) between two Mesh speakers on loopback: A (127.0.0.1, restarting
/// speaker, connects out) and B (127.0.0.2, helper, passive). A is stopped (Cease) and replaced by a new instance.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class GracefulRestartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly IPAddress AddressA = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress AddressB = IPAddress.Parse("127.0.0.2");
    private static readonly Prefix[] Prefixes = [Prefix.Parse("10.50.0.0/24"), Prefix.Parse("10.50.1.0/24"), Prefix.Parse("10.50.2.0/24")];

    private static async Task<BgpSpeaker> HelperAsync()
    {
        var b = new BgpSpeaker(new SpeakerOptions { ListenEndPoints = [new IPEndPoint(AddressB, 0)] });
        await b.StartAsync(CancellationToken.None);
        await b.AddPeerAsync(new PeerConfig(AddressA, 65001, 65002, IPAddress.Parse("10.0.0.2")) { Passive = true, HoldTime = 9, GracefulRestart = true }, CancellationToken.None);
        return b;
    }

    private static async Task<BgpSpeaker> RestartingAsync(BgpSpeaker b, Prefix[] prefixes, bool gracefulRestart, int restartSeconds)
    {
        var a = new BgpSpeaker(new SpeakerOptions { ListenEndPoints = [] });
        await a.AdvertiseAsync(prefixes, PathAttributes.Empty, CancellationToken.None);
        await a.StartAsync(CancellationToken.None);
        await a.AddPeerAsync(new PeerConfig(AddressB, 65002, 65001, IPAddress.Parse("10.0.0.1"))
        {
            Port = b.ListenEndPoints[0].Port,
            LocalAddress = AddressA,
            HoldTime = 9,
            ConnectRetryTime = TimeSpan.FromSeconds(1),
            GracefulRestart = gracefulRestart,
            RestartTime = TimeSpan.FromSeconds(restartSeconds),
            Families = [AfiSafi.IPv4Unicast],
        }, CancellationToken.None);
        return a;
    }

    [Fact]
    public async Task Restart_RestartingSpeakerComesBack_HelperKeepsRoutesThenDropsWhatEndOfRibDidNotRenew()
    {
        await using var b = await HelperAsync();
        var a1 = await RestartingAsync(b, Prefixes, gracefulRestart: true, restartSeconds: 120);
        await Poll.UntilAsync(() => b.Peers.Single().ReceivedRoutes == 3, Timeout, () => $"B: {b.Peers.Single()}");

        await a1.DisposeAsync();

        // B saw a Cease with the N bit negotiated: it keeps A's routes as stale.
        await Poll.UntilAsync(() => b.Peers.Single().State != SessionState.Established, Timeout, () => $"B: {b.Peers.Single()}");
        b.Peers.Single().Should().Match<Status.PeerStatus>(p => p.ReceivedRoutes == 3 && p.StaleRoutes == 3);

        // The new instance advertises two of the three; after its End-of-RIB only those two remain, fresh.
        await using var a2 = await RestartingAsync(b, Prefixes[..2], gracefulRestart: true, restartSeconds: 120);
        await Poll.UntilAsync(() => b.Peers.Single() is { State: SessionState.Established, ReceivedRoutes: 2, StaleRoutes: 0 }, Timeout, () => $"B: {b.Peers.Single()}");
        (await b.ReceivedRoutesAsync(AddressA, CancellationToken.None)).Select(r => r.Prefix).Should().BeEquivalentTo(Prefixes[..2]);
    }

    [Fact]
    public async Task Restart_SpeakerDoesNotComeBack_StaleRoutesGoWhenRestartTimerExpires()
    {
        await using var b = await HelperAsync();
        var a = await RestartingAsync(b, Prefixes, gracefulRestart: true, restartSeconds: 1);
        await Poll.UntilAsync(() => b.Peers.Single().ReceivedRoutes == 3, Timeout, () => $"B: {b.Peers.Single()}");

        await a.DisposeAsync();

        await Poll.UntilAsync(() => b.Peers.Single() is { ReceivedRoutes: 0, StaleRoutes: 0 }, Timeout, () => $"B: {b.Peers.Single()}");
    }

    [Fact]
    public async Task Stop_WithoutGracefulRestart_HelperForgetsRoutesAtOnce()
    {
        await using var b = await HelperAsync();
        var a = await RestartingAsync(b, Prefixes, gracefulRestart: false, restartSeconds: 120);
        await Poll.UntilAsync(() => b.Peers.Single().ReceivedRoutes == 3, Timeout, () => $"B: {b.Peers.Single()}");

        await a.DisposeAsync();

        await Poll.UntilAsync(() => b.Peers.Single().State != SessionState.Established, Timeout, () => $"B: {b.Peers.Single()}");
        b.Peers.Single().ReceivedRoutes.Should().Be(0);
    }
}
