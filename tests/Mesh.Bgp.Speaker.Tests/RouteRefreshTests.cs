using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Fsm;
using Mesh.Bgp.Speaker.Configuration;
using Mesh.Testing;
using Mesh.Testing.Time;
using Xunit.Abstractions;

namespace Mesh.Bgp.Speaker.Tests;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class RouteRefreshTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly IPAddress PeerAddress = IPAddress.Parse("127.0.0.6");

    [Fact]
    public async Task RouteRefresh_FromEstablishedPeer_ResendsAdvertisedRoutes()
    {
        await using var speaker = new BgpSpeaker(
            new SpeakerOptions { ListenEndPoints = [new IPEndPoint(IPAddress.Loopback, 0)] }, new FakeClock(), new TestLogger<BgpSpeaker>(output, "mesh"));
        await speaker.AdvertiseAsync([Prefix.Parse("10.1.0.0/24"), Prefix.Parse("10.1.1.0/24")], PathAttributes.Empty, CancellationToken.None);
        await speaker.AddPeerAsync(new PeerConfig(PeerAddress, 65002, 65001, IPAddress.Parse("10.0.0.1")) { Passive = true }, CancellationToken.None);
        await speaker.StartAsync(CancellationToken.None);
        using var peer = await RawPeer.ConnectAsync(PeerAddress, speaker.ListenEndPoints[0]);
        var open = (await peer.ReceiveAsync(Timeout)).Should().BeOfType<OpenMessage>().Subject;
        open.Has(CapabilityCode.RouteRefresh).Should().BeTrue();
        await peer.SendAsync(OpenMessage.Create(65002, 30, 0x0A000006, new RouteRefreshCapability()));
        await peer.ReceiveAsync(Timeout);
        await peer.SendAsync(KeepaliveMessage.Instance);
        await Poll.UntilAsync(() => speaker.Peers.Single().State == SessionState.Established, Timeout, () => $"{speaker.Peers.Single()}");
        (await peer.ReceiveAsync(Timeout)).Should().BeOfType<UpdateMessage>().Which.Nlri.Should().HaveCount(2);
        (await peer.ReceiveAsync(Timeout)).Should().BeOfType<UpdateMessage>().Which.IsEndOfRib(out _).Should().BeTrue();

        await peer.SendAsync(new RouteRefreshMessage(AfiSafi.IPv4Unicast));

        var again = (await peer.ReceiveAsync(Timeout)).Should().BeOfType<UpdateMessage>().Subject;
        again.Nlri.Should().BeEquivalentTo(new[] { Prefix.Parse("10.1.0.0/24"), Prefix.Parse("10.1.1.0/24") });
        again.Attributes.AsPath!.ToString().Should().Be(AsPath.Sequence(65001).ToString());
    }
}
