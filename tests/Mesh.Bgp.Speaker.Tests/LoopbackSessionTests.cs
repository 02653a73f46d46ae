using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Fsm;
using Mesh.Bgp.Speaker.Configuration;
using Mesh.Testing;

namespace Mesh.Bgp.Speaker.Tests;

/// <summary>Two Mesh speakers on loopback (127.0.0.1 and 127.0.0.2, kernel-chosen ports), both connecting actively.</summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class LoopbackSessionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly IPAddress AddressA = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress AddressB = IPAddress.Parse("127.0.0.2");

    private static BgpSpeaker Listening(IPAddress address) =>
        new(new SpeakerOptions { ListenEndPoints = [new IPEndPoint(address, 0)] });

    private static PeerConfig Peer(IPAddress remote, int port, uint remoteAsn, IPAddress local, uint localAsn, string routerId) =>
        new(remote, remoteAsn, localAsn, IPAddress.Parse(routerId))
        {
            Port = port,
            LocalAddress = local,
            HoldTime = 9,
            ConnectRetryTime = TimeSpan.FromSeconds(1),
            IdleHoldTime = TimeSpan.FromMilliseconds(200),
        };

    /// <summary>A (AS 65001) and B (AS 65002) peer with each other, both active, until both sessions are Established.</summary>
    private static async Task PeerAndEstablishAsync(BgpSpeaker a, BgpSpeaker b)
    {
        await a.AddPeerAsync(Peer(AddressB, b.ListenEndPoints[0].Port, 65002, AddressA, 65001, "10.0.0.1"), CancellationToken.None);
        await b.AddPeerAsync(Peer(AddressA, a.ListenEndPoints[0].Port, 65001, AddressB, 65002, "10.0.0.2"), CancellationToken.None);
        await Poll.UntilAsync(
            () => a.Peers.Single().State == SessionState.Established && b.Peers.Single().State == SessionState.Established,
            Timeout, () => $"A: {a.Peers.Single()}, B: {b.Peers.Single()}");
    }

    private static Prefix[] Slash24s(int count) =>
        Enumerable.Range(0, count).Select(i => Prefix.IPv4((uint)((10 << 24) + (100 << 16) + (i << 8)), 24)).ToArray();

    [Fact]
    public async Task Speakers_BothActiveOnLoopback_EstablishAndExchangeRoutes()
    {
        await using var a = Listening(AddressA);
        await using var b = Listening(AddressB);
        await a.StartAsync(CancellationToken.None);
        await b.StartAsync(CancellationToken.None);
        var shared = new PathAttributes
        {
            Communities = new[] { Community.Create(65001, 100) },
            LargeCommunities = new[] { new LargeCommunity(65001, 1, 1) },
            LocalPref = 300,
        };
        // Half before the session is up (initial dump), half after (live UPDATEs).
        var prefixes = Slash24s(2000);
        await a.AdvertiseAsync(prefixes[..1000], shared, CancellationToken.None);

        await PeerAndEstablishAsync(a, b);
        await a.AdvertiseAsync(prefixes[1000..], shared, CancellationToken.None);
        await b.AdvertiseAsync([Prefix.Parse("192.0.2.0/24")], PathAttributes.Empty, CancellationToken.None);

        await Poll.UntilAsync(() => b.Peers.Single().ReceivedRoutes == 2000, Timeout, () => $"B: {b.Peers.Single()}");
        var received = await b.ReceivedRoutesAsync(AddressA, CancellationToken.None);
        var route = received.Single(r => r.Prefix == prefixes[1500]);
        route.NextHop.Should().Be(AddressA);
        route.Attributes.AsPath!.ToString().Should().Be(AsPath.Sequence(65001).ToString());
        route.Attributes.Communities.Should().Equal(Community.Create(65001, 100));
        route.Attributes.LargeCommunities.Should().Equal(new LargeCommunity(65001, 1, 1));
        route.Attributes.LocalPref.Should().BeNull("LOCAL_PREF is not sent to external peers");
        a.Peers.Single().AdvertisedRoutes.Should().Be(2000);
        // 2000 shared /24s pack into a handful of UPDATEs, not one per prefix.
        a.Peers.Single().UpdatesSent.Should().BeLessThan(10);

        await Poll.UntilAsync(() => a.Peers.Single().ReceivedRoutes == 1, Timeout, () => $"A: {a.Peers.Single()}");
        (await a.ReceivedRoutesAsync(AddressB, CancellationToken.None)).Single().Prefix.Should().Be(Prefix.Parse("192.0.2.0/24"));

        await a.WithdrawAsync(prefixes[..1500], CancellationToken.None);
        await Poll.UntilAsync(() => b.Peers.Single().ReceivedRoutes == 500, Timeout, () => $"B: {b.Peers.Single()}");
    }

    [Fact]
    public async Task AdvertiseAsync_UnchangedRoutesAndUnknownWithdrawals_SendNothingAndKeepTheLocalTable()
    {
        await using var a = Listening(AddressA);
        await using var b = Listening(AddressB);
        await a.StartAsync(CancellationToken.None);
        await b.StartAsync(CancellationToken.None);
        await PeerAndEstablishAsync(a, b);
        var prefixes = Slash24s(100);
        var attributes = new PathAttributes { Communities = new[] { Community.Create(65001, 7) } };
        await a.AdvertiseAsync(prefixes, attributes, CancellationToken.None);
        await Poll.UntilAsync(() => b.Peers.Single().ReceivedRoutes == 100, Timeout, () => $"B: {b.Peers.Single()}");
        var sent = a.Peers.Single().UpdatesSent;

        await a.AdvertiseAsync(prefixes, attributes with { }, CancellationToken.None);
        await a.WithdrawAsync([Prefix.Parse("192.0.2.0/24")], CancellationToken.None);

        a.Peers.Single().UpdatesSent.Should().Be(sent);
        (await a.LocalRoutesAsync(CancellationToken.None)).Keys.Should().BeEquivalentTo(prefixes);

        await a.WithdrawAsync(prefixes[..40], CancellationToken.None);
        await Poll.UntilAsync(() => b.Peers.Single().ReceivedRoutes == 60, Timeout, () => $"B: {b.Peers.Single()}");
        (await a.LocalRoutesAsync(CancellationToken.None)).Keys.Should().BeEquivalentTo(prefixes[40..]);
        a.Peers.Single().AdvertisedRoutes.Should().Be(60);
    }

    [Fact]
    public async Task StopAsync_EstablishedSession_PeerGoesDownAndForgetsRoutes()
    {
        await using var b = Listening(AddressB);
        await b.StartAsync(CancellationToken.None);
        var a = Listening(AddressA);
        try
        {
            await a.StartAsync(CancellationToken.None);
            await a.AdvertiseAsync(Slash24s(10), PathAttributes.Empty, CancellationToken.None);
            await a.AddPeerAsync(Peer(AddressB, b.ListenEndPoints[0].Port, 65002, AddressA, 65001, "10.0.0.1"), CancellationToken.None);
            await b.AddPeerAsync(Peer(AddressA, a.ListenEndPoints[0].Port, 65001, AddressB, 65002, "10.0.0.2") with { Passive = true }, CancellationToken.None);
            await Poll.UntilAsync(() => b.Peers.Single().ReceivedRoutes == 10, Timeout, () => $"B: {b.Peers.Single()}");
        }
        finally
        {
            await a.DisposeAsync();
        }

        await Poll.UntilAsync(
            () => b.Peers.Single() is { State: not SessionState.Established, ReceivedRoutes: 0 },
            Timeout, () => $"B: {b.Peers.Single()}");
        b.Peers.Single().LastError.Should().Contain("Cease");
    }

    [Fact]
    public async Task AddPeerAsync_WrongRemoteAs_NeverEstablishesAndReportsBadPeerAs()
    {
        await using var a = Listening(AddressA);
        await using var b = Listening(AddressB);
        await a.StartAsync(CancellationToken.None);
        await b.StartAsync(CancellationToken.None);

        await a.AddPeerAsync(Peer(AddressB, b.ListenEndPoints[0].Port, 65099, AddressA, 65001, "10.0.0.1"), CancellationToken.None);
        await b.AddPeerAsync(Peer(AddressA, a.ListenEndPoints[0].Port, 65001, AddressB, 65002, "10.0.0.2") with { Passive = true }, CancellationToken.None);

        await Poll.UntilAsync(
            () => b.Peers.Single().LastError?.Contains("OpenMessageError", StringComparison.Ordinal) == true,
            Timeout, () => $"B: {b.Peers.Single()}");
        a.Peers.Single().LastError.Should().Contain("peer AS");
        b.Peers.Single().State.Should().NotBe(SessionState.Established);
    }

    [Fact]
    public async Task AdvertiseAsync_ExtendedMessagesOnBothSides_PacksTenThousandPrefixesIntoOneUpdate()
    {
        await using var a = Listening(AddressA);
        await using var b = Listening(AddressB);
        await a.StartAsync(CancellationToken.None);
        await b.StartAsync(CancellationToken.None);
        await a.AddPeerAsync(Peer(AddressB, b.ListenEndPoints[0].Port, 65002, AddressA, 65001, "10.0.0.1") with { ExtendedMessages = true }, CancellationToken.None);
        await b.AddPeerAsync(Peer(AddressA, a.ListenEndPoints[0].Port, 65001, AddressB, 65002, "10.0.0.2") with { ExtendedMessages = true, Passive = true }, CancellationToken.None);
        await Poll.UntilAsync(() => a.Peers.Single().State == SessionState.Established, Timeout, () => $"A: {a.Peers.Single()}");
        var sentBefore = a.Peers.Single().UpdatesSent;

        await a.AdvertiseAsync(Slash24s(10_000), PathAttributes.Empty, CancellationToken.None);

        await Poll.UntilAsync(() => b.Peers.Single().ReceivedRoutes == 10_000, Timeout, () => $"B: {b.Peers.Single()}");
        // 10,000 /24s are 40 KB of NLRI: one 64 KB UPDATE instead of ten 4 KB ones.
        (a.Peers.Single().UpdatesSent - sentBefore).Should().Be(1);
    }
}
