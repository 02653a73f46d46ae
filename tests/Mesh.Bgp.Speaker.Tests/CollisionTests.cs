using System.Net;
using System.Net.Sockets;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Fsm;
using Mesh.Bgp.Speaker.Configuration;
using Mesh.Testing;
using Mesh.Testing.Time;
using Xunit.Abstractions;

namespace Mesh.Bgp.Speaker.Tests;

/// <summary>
/// RFC 4271 §6.8 against a hand-driven peer that holds both connections at once: the one the speaker
/// initiated and one it accepted. The connection initiated by the higher BGP identifier survives.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class CollisionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly IPAddress SpeakerAddress = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress PeerAddress = IPAddress.Parse("127.0.0.5");

    [Theory]
    // The speaker is 10.0.0.1.
    [InlineData(0x0A000009u, false)] // peer 10.0.0.9 is higher: its connection (our inbound) stays
    [InlineData(0x01000001u, true)]  // peer 1.0.0.1 is lower: our outbound connection stays
    public async Task Collision_BothConnectionsOpen_HigherIdentifiersConnectionSurvives(uint peerId, bool outboundSurvives)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(PeerAddress, 0));
        listener.Listen(4);
        await using var speaker = new BgpSpeaker(
            new SpeakerOptions { ListenEndPoints = [new IPEndPoint(SpeakerAddress, 0)] }, new FakeClock(), new TestLogger<BgpSpeaker>(output, "mesh"));
        await speaker.StartAsync(CancellationToken.None);
        await speaker.AddPeerAsync(
            new PeerConfig(PeerAddress, 65002, 65001, IPAddress.Parse("10.0.0.1"))
            {
                Port = ((IPEndPoint)listener.LocalEndPoint!).Port,
                LocalAddress = SpeakerAddress,
            },
            CancellationToken.None);

        using var outbound = RawPeer.Accepted(await listener.AcceptAsync().WaitAsync(Timeout));
        (await outbound.ReceiveAsync(Timeout)).Should().BeOfType<OpenMessage>();
        using var inbound = await RawPeer.ConnectAsync(PeerAddress, speaker.ListenEndPoints[0]);
        (await inbound.ReceiveAsync(Timeout)).Should().BeOfType<OpenMessage>("the speaker runs the FSM on the second connection too");

        await inbound.SendAsync(OpenMessage.Create(65002, 30, peerId));

        var (loser, winner) = outboundSurvives ? (inbound, outbound) : (outbound, inbound);
        var notification = (await loser.ReceiveAsync(Timeout)).Should().BeOfType<NotificationMessage>().Subject;
        notification.Code.Should().Be(BgpErrorCode.Cease);
        notification.Subcode.Should().Be((byte)CeaseSubcode.ConnectionCollisionResolution);
        (await loser.ReceiveAsync(Timeout)).Should().BeNull();

        if (outboundSurvives)
        {
            await winner.SendAsync(OpenMessage.Create(65002, 30, peerId));
        }

        (await winner.ReceiveAsync(Timeout)).Should().BeOfType<KeepaliveMessage>();
        await winner.SendAsync(KeepaliveMessage.Instance);
        await Poll.UntilAsync(() => speaker.Peers.Single().State == SessionState.Established, Timeout, () => $"{speaker.Peers.Single()}");
        (await winner.ReceiveAsync(Timeout)).Should().BeOfType<UpdateMessage>().Which.IsEndOfRib(out _).Should().BeTrue();
    }
}
