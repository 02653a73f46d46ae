using System.Net;
using Mesh.Bgp.Codec;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Fsm;
using Mesh.Bgp.Speaker.Configuration;
using Mesh.Testing;
using Mesh.Testing.Time;
using Xunit.Abstractions;

namespace Mesh.Bgp.Speaker.Tests;

/// <summary>The speaker against a hand-driven peer on loopback; its timers run on a fake clock.</summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class SpeakerTimerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly IPAddress SpeakerAddress = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress PeerAddress = IPAddress.Parse("127.0.0.4");

    private async Task<(BgpSpeaker Speaker, FakeClock Clock)> StartAsync()
    {
        var clock = new FakeClock();
        var speaker = new BgpSpeaker(
            new SpeakerOptions { ListenEndPoints = [new IPEndPoint(SpeakerAddress, 0)] }, clock, new TestLogger<BgpSpeaker>(output, "mesh"));
        await speaker.StartAsync(CancellationToken.None);
        await speaker.AddPeerAsync(new PeerConfig(PeerAddress, 65002, 65001, IPAddress.Parse("10.0.0.1")) { Passive = true, HoldTime = 9 }, CancellationToken.None);
        return (speaker, clock);
    }

    [Fact]
    public async Task HoldTimer_PeerFallsSilent_SendsHoldTimerExpiredAndDropsSession()
    {
        var (speaker, clock) = await StartAsync();
        await using var owned = speaker;
        using var peer = await RawPeer.ConnectAsync(PeerAddress, speaker.ListenEndPoints[0]);

        var open = (await peer.ReceiveAsync(Timeout)).Should().BeOfType<OpenMessage>().Subject;
        open.HoldTime.Should().Be(9);
        await peer.SendAsync(OpenMessage.Create(65002, 30, 0x0A000004));
        (await peer.ReceiveAsync(Timeout)).Should().BeOfType<KeepaliveMessage>();
        await peer.SendAsync(KeepaliveMessage.Instance);
        await Poll.UntilAsync(() => speaker.Peers.Single().State == SessionState.Established, Timeout, () => $"{speaker.Peers.Single()}");
        speaker.Peers.Single().NegotiatedHoldTime.Should().Be(9);

        clock.Advance(TimeSpan.FromSeconds(9));

        var notification = (await peer.ReceiveControlAsync(Timeout)).Should().BeOfType<NotificationMessage>().Subject;
        notification.Code.Should().Be(BgpErrorCode.HoldTimerExpired);
        (await peer.ReceiveAsync(Timeout)).Should().BeNull("the speaker closes the connection after the NOTIFICATION");
        await Poll.UntilAsync(() => speaker.Peers.Single().State != SessionState.Established, Timeout, () => $"{speaker.Peers.Single()}");
    }

    [Fact]
    public async Task KeepaliveTimer_EstablishedSession_SendsKeepaliveEveryThirdOfHoldTime()
    {
        var (speaker, clock) = await StartAsync();
        await using var owned = speaker;
        using var peer = await RawPeer.ConnectAsync(PeerAddress, speaker.ListenEndPoints[0]);
        await peer.ReceiveAsync(Timeout);
        await peer.SendAsync(OpenMessage.Create(65002, 9, 0x0A000004));
        await peer.ReceiveAsync(Timeout);
        await peer.SendAsync(KeepaliveMessage.Instance);
        await Poll.UntilAsync(() => speaker.Peers.Single().State == SessionState.Established, Timeout, () => $"{speaker.Peers.Single()}");
        // The initial table (empty) ends with End-of-RIB.
        (await peer.ReceiveAsync(Timeout)).Should().BeOfType<UpdateMessage>().Which.IsEndOfRib(out _).Should().BeTrue();

        clock.Advance(TimeSpan.FromSeconds(3));

        (await peer.ReceiveAsync(Timeout)).Should().BeOfType<KeepaliveMessage>();
        speaker.Peers.Single().State.Should().Be(SessionState.Established);
    }

    [Fact]
    public async Task Open_UnacceptableHoldTime_RepliesOpenMessageErrorSubcode6()
    {
        var (speaker, _) = await StartAsync();
        await using var owned = speaker;
        using var peer = await RawPeer.ConnectAsync(PeerAddress, speaker.ListenEndPoints[0]);
        await peer.ReceiveAsync(Timeout);
        var bytes = BgpMessageCodec.ToArray(OpenMessage.Create(65002, 30, 0x0A000004), BgpCodecContext.Initial);
        bytes[22] = 0;
        bytes[23] = 1; // hold time 1 s: RFC 4271 §6.2 requires 0 or at least 3

        await peer.SendAsync(bytes);

        var notification = (await peer.ReceiveAsync(Timeout)).Should().BeOfType<NotificationMessage>().Subject;
        notification.Code.Should().Be(BgpErrorCode.OpenMessageError);
        notification.Subcode.Should().Be((byte)OpenMessageError.UnacceptableHoldTime);
        (await peer.ReceiveAsync(Timeout)).Should().BeNull();
    }
}
