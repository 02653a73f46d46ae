using Mesh.Bgp.Codec;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Fsm.Actions;
using Mesh.Bgp.Fsm.Events;
using Mesh.Bgp.Fsm.Timers;
using Mesh.Testing;

namespace Mesh.Bgp.Fsm.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class BgpFsmTests
{
    private const uint LocalId = 0x0A000102;
    private const uint PeerId = 0x0A000101;
    private static readonly FsmConfig Config = new(65001, 65000, LocalId) { HoldTime = 90, ConnectRetryTime = TimeSpan.FromSeconds(2) };

    private static OpenMessage PeerOpen(ushort hold = 30, uint asn = 65000, uint id = PeerId) => OpenMessage.Create(asn, hold, id);

    private static FsmTransition Run(FsmConfig config, FsmState state, params FsmEvent[] events)
    {
        FsmTransition? last = null;
        foreach (var e in events)
        {
            last = BgpFsm.Handle(config, state, e);
            state = last.Next;
        }
        return last!;
    }

    private static FsmState StateAfter(params FsmEvent[] events) => Run(Config, FsmState.Initial, events).Next;

    private static FsmState Established() => StateAfter(
        FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed, FsmEvent.Received(PeerOpen()), FsmEvent.Received(KeepaliveMessage.Instance));

    private static NotificationMessage SentNotification(FsmTransition t) =>
        t.Actions.OfType<SendMessage>().Select(s => s.Message).OfType<NotificationMessage>().Single();

    [Fact]
    public void Handle_ManualStartInIdle_ConnectsAndStartsConnectRetry()
    {
        var t = BgpFsm.Handle(Config, FsmState.Initial, FsmEvent.ManualStart);

        t.Next.State.Should().Be(SessionState.Connect);
        t.Actions.Should().ContainEquivalentOf(new StartTimer(FsmTimer.ConnectRetry, TimeSpan.FromSeconds(2)));
        t.Actions.Should().Contain(InitiateConnection.Instance);
    }

    [Fact]
    public void Handle_ManualStartPassive_WaitsInActiveWithoutConnecting()
    {
        var t = BgpFsm.Handle(Config with { Passive = true }, FsmState.Initial, FsmEvent.ManualStart);

        t.Next.State.Should().Be(SessionState.Active);
        t.Actions.Should().NotContain(InitiateConnection.Instance);
    }

    [Fact]
    public void Handle_PassiveConnectRetryExpires_StaysActive()
    {
        var passive = Config with { Passive = true };
        var t = Run(passive, FsmState.Initial, FsmEvent.ManualStart, FsmEvent.TimerExpired(FsmTimer.ConnectRetry));

        t.Next.State.Should().Be(SessionState.Active);
        t.Actions.Should().NotContain(InitiateConnection.Instance);
    }

    [Fact]
    public void Handle_TcpConfirmedInConnect_SendsOpenAndWaitsWithLongHoldTimer()
    {
        var t = Run(Config, FsmState.Initial, FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed);

        t.Next.State.Should().Be(SessionState.OpenSent);
        var open = t.Actions.OfType<SendMessage>().Select(s => s.Message).OfType<OpenMessage>().Single();
        open.Asn.Should().Be(65001u);
        open.HoldTime.Should().Be(90);
        open.BgpIdentifier.Should().Be(LocalId);
        t.Actions.Should().ContainEquivalentOf(new StartTimer(FsmTimer.Hold, TimeSpan.FromMinutes(4)));
        t.Actions.Should().ContainEquivalentOf(new StopTimer(FsmTimer.ConnectRetry));
    }

    [Fact]
    public void Handle_TcpFailsInConnect_MovesToActiveAndRestartsConnectRetry()
    {
        var t = Run(Config, FsmState.Initial, FsmEvent.ManualStart, FsmEvent.TcpConnectionFails);

        t.Next.State.Should().Be(SessionState.Active);
        t.Actions.Should().ContainEquivalentOf(new StartTimer(FsmTimer.ConnectRetry, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Handle_ConnectRetryExpiresInActive_ConnectsAgain()
    {
        var t = Run(Config, FsmState.Initial, FsmEvent.ManualStart, FsmEvent.TcpConnectionFails, FsmEvent.TimerExpired(FsmTimer.ConnectRetry));

        t.Next.State.Should().Be(SessionState.Connect);
        t.Actions.Should().Contain(InitiateConnection.Instance);
    }

    [Theory]
    [InlineData(90, 30, 30, 10)]
    [InlineData(30, 90, 30, 10)]
    [InlineData(9, 3, 3, 1)]
    [InlineData(90, 0, 0, 0)]
    [InlineData(0, 90, 0, 0)]
    public void Handle_OpenInOpenSent_NegotiatesHoldAndKeepalive(int local, int remote, int hold, int keepalive)
    {
        var config = Config with { HoldTime = (ushort)local };
        var t = Run(config, FsmState.Initial, FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed, FsmEvent.Received(PeerOpen((ushort)remote)));

        t.Next.State.Should().Be(SessionState.OpenConfirm);
        t.Next.NegotiatedHoldTime.Should().Be((ushort)hold);
        t.Actions.OfType<SendMessage>().Select(s => s.Message).Should().ContainSingle().Which.Should().BeOfType<KeepaliveMessage>();
        if (hold == 0)
        {
            t.Actions.OfType<StartTimer>().Should().BeEmpty();
        }
        else
        {
            t.Actions.Should().ContainEquivalentOf(new StartTimer(FsmTimer.Hold, TimeSpan.FromSeconds(hold)));
            t.Actions.Should().ContainEquivalentOf(new StartTimer(FsmTimer.Keepalive, TimeSpan.FromSeconds(keepalive)));
        }
    }

    [Fact]
    public void Handle_OpenWithWrongPeerAs_SendsBadPeerAsAndGoesIdle()
    {
        var t = Run(Config, FsmState.Initial, FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed, FsmEvent.Received(PeerOpen(asn: 65099)));

        t.Next.State.Should().Be(SessionState.Idle);
        var n = SentNotification(t);
        n.Code.Should().Be(BgpErrorCode.OpenMessageError);
        n.Subcode.Should().Be((byte)OpenMessageError.BadPeerAs);
        t.Actions.Should().Contain(DropConnection.Instance);
        t.Actions.Should().ContainEquivalentOf(new StartTimer(FsmTimer.IdleHold, TimeSpan.FromSeconds(1)));
        t.Actions.OfType<SessionDown>().Should().BeEmpty();
    }

    [Fact]
    public void Handle_InternalPeerWithOurIdentifier_SendsBadBgpIdentifier()
    {
        var ibgp = Config with { PeerAsn = 65001 };
        var t = Run(ibgp, FsmState.Initial, FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed, FsmEvent.Received(PeerOpen(asn: 65001, id: LocalId)));

        SentNotification(t).Subcode.Should().Be((byte)OpenMessageError.BadBgpIdentifier);
        t.Next.State.Should().Be(SessionState.Idle);
    }

    public static TheoryData<string, int, int> MalformedOpens => new()
    {
        // name, byte offset in the OPEN to patch (value), expected OPEN error subcode
        { "version 3", 19, (int)OpenMessageError.UnsupportedVersionNumber },
        { "hold time 1", 23, (int)OpenMessageError.UnacceptableHoldTime },
    };

    [Theory]
    [MemberData(nameof(MalformedOpens))]
    public void Handle_MalformedOpenBytes_SendsOpenMessageErrorNotification(string name, int offset, int subcode)
    {
        var bytes = BgpMessageCodec.ToArray(PeerOpen(), BgpCodecContext.Initial);
        bytes[offset] = offset == 19 ? (byte)3 : (byte)1;
        if (offset == 23)
        {
            bytes[22] = 0;
        }

        BgpMessageCodec.TryDecode(bytes, BgpCodecContext.Initial, out _, out var error).Should().BeFalse(name);
        var t = Run(Config, FsmState.Initial, FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed, FsmEvent.DecodeFailed(error!));

        var n = SentNotification(t);
        n.Code.Should().Be(BgpErrorCode.OpenMessageError);
        n.Subcode.Should().Be((byte)subcode);
        t.Next.State.Should().Be(SessionState.Idle);
    }

    [Fact]
    public void Handle_BadPeerIdentifierBytes_SendsBadBgpIdentifier()
    {
        var bytes = BgpMessageCodec.ToArray(PeerOpen(), BgpCodecContext.Initial);
        bytes.AsSpan(24, 4).Clear();

        BgpMessageCodec.TryDecode(bytes, BgpCodecContext.Initial, out _, out var error).Should().BeFalse();
        var t = Run(Config, FsmState.Initial, FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed, FsmEvent.DecodeFailed(error!));

        SentNotification(t).Subcode.Should().Be((byte)OpenMessageError.BadBgpIdentifier);
    }

    [Fact]
    public void Handle_KeepaliveInOpenSent_SendsFsmError()
    {
        var t = Run(Config, FsmState.Initial, FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed, FsmEvent.Received(KeepaliveMessage.Instance));

        var n = SentNotification(t);
        n.Code.Should().Be(BgpErrorCode.FiniteStateMachineError);
        n.Subcode.Should().Be((byte)FsmErrorSubcode.UnexpectedMessageInOpenSent);
    }

    [Fact]
    public void Handle_KeepaliveInOpenConfirm_EstablishesWithNegotiatedContext()
    {
        var t = Run(Config, FsmState.Initial,
            FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed, FsmEvent.Received(PeerOpen()), FsmEvent.Received(KeepaliveMessage.Instance));

        t.Next.State.Should().Be(SessionState.Established);
        var up = t.Actions.OfType<SessionUp>().Single();
        up.HoldTime.Should().Be(30);
        up.Context.FourOctetAsn.Should().BeTrue();
        up.Context.Ibgp.Should().BeFalse();
        t.Actions.Should().ContainEquivalentOf(new StartTimer(FsmTimer.Hold, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Handle_UpdateInEstablished_DeliversAndRestartsHoldTimer()
    {
        var update = UpdateMessage.EndOfRib(Codec.Nlri.AfiSafi.IPv4Unicast);
        var t = BgpFsm.Handle(Config, Established(), FsmEvent.Received(update));

        t.Next.State.Should().Be(SessionState.Established);
        t.Actions.Should().ContainEquivalentOf(new StartTimer(FsmTimer.Hold, TimeSpan.FromSeconds(30)));
        t.Actions.OfType<DeliverUpdate>().Single().Update.Should().BeSameAs(update);
    }

    [Fact]
    public void Handle_RouteRefreshInEstablished_AsksForTheFamilyAgain()
    {
        var t = BgpFsm.Handle(Config, Established(), FsmEvent.Received(new RouteRefreshMessage(Codec.Nlri.AfiSafi.IPv6Unicast)));

        t.Next.State.Should().Be(SessionState.Established);
        t.Actions.OfType<RefreshRoutes>().Single().Family.Should().Be(Codec.Nlri.AfiSafi.IPv6Unicast);
    }

    [Theory]
    [InlineData(RouteRefreshSubtype.BeginningOfRouteRefresh, true)]
    [InlineData(RouteRefreshSubtype.EndOfRouteRefresh, false)]
    public void Handle_EnhancedRefreshMarker_RestartsHoldTimerAndReportsMarker(RouteRefreshSubtype subtype, bool begin)
    {
        var t = BgpFsm.Handle(Config, Established(), FsmEvent.Received(new RouteRefreshMessage(Codec.Nlri.AfiSafi.IPv4Unicast, subtype)));

        t.Next.State.Should().Be(SessionState.Established);
        t.Actions.OfType<StartTimer>().Should().ContainSingle().Which.Timer.Should().Be(FsmTimer.Hold);
        t.Actions.OfType<RefreshMarker>().Should().Equal(new RefreshMarker(Codec.Nlri.AfiSafi.IPv4Unicast, begin));
    }

    [Fact]
    public void Handle_UnknownRefreshSubtype_OnlyRestartsHoldTimer()
    {
        var t = BgpFsm.Handle(Config, Established(), FsmEvent.Received(new RouteRefreshMessage(Codec.Nlri.AfiSafi.IPv4Unicast, (RouteRefreshSubtype)7)));

        t.Actions.Should().ContainSingle().Which.Should().BeOfType<StartTimer>();
    }

    [Theory]
    [InlineData(null, 30, 10)]
    [InlineData(3, 9, 3)]
    [InlineData(30, 9, 3)]
    [InlineData(5, 90, 5)]
    public void KeepaliveInterval_ConfiguredAndNegotiated_AtMostAThirdOfHold(int? configured, int hold, int expected)
    {
        var config = Config with { KeepaliveTime = configured is { } c ? TimeSpan.FromSeconds(c) : null };

        config.KeepaliveInterval((ushort)hold).Should().Be(TimeSpan.FromSeconds(expected));
    }

    [Fact]
    public void Handle_KeepaliveTimerInEstablished_SendsKeepaliveAndRestarts()
    {
        var t = BgpFsm.Handle(Config, Established(), FsmEvent.TimerExpired(FsmTimer.Keepalive));

        t.Actions.OfType<SendMessage>().Single().Message.Should().BeOfType<KeepaliveMessage>();
        t.Actions.Should().ContainEquivalentOf(new StartTimer(FsmTimer.Keepalive, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Handle_HoldTimerExpiresInEstablished_SendsHoldTimerExpiredAndGoesDown()
    {
        var t = BgpFsm.Handle(Config, Established(), FsmEvent.TimerExpired(FsmTimer.Hold));

        t.Next.State.Should().Be(SessionState.Idle);
        SentNotification(t).Code.Should().Be(BgpErrorCode.HoldTimerExpired);
        t.Actions.OfType<SessionDown>().Should().ContainSingle();
        t.Actions.Should().ContainEquivalentOf(new StartTimer(FsmTimer.IdleHold, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Handle_ManualStopInEstablished_SendsCeaseWithoutRestart()
    {
        var t = BgpFsm.Handle(Config, Established(), FsmEvent.ManualStop);

        t.Next.State.Should().Be(SessionState.Idle);
        var n = SentNotification(t);
        n.Code.Should().Be(BgpErrorCode.Cease);
        n.Subcode.Should().Be((byte)CeaseSubcode.AdministrativeShutdown);
        t.Actions.OfType<SessionDown>().Should().ContainSingle();
        t.Actions.OfType<StartTimer>().Should().BeEmpty();
    }

    [Fact]
    public void Handle_NotificationInEstablished_GoesDownWithoutReply()
    {
        var t = BgpFsm.Handle(Config, Established(), FsmEvent.Received(NotificationMessage.Cease(CeaseSubcode.PeerDeconfigured)));

        t.Next.State.Should().Be(SessionState.Idle);
        t.Actions.OfType<SendMessage>().Should().BeEmpty();
        t.Actions.OfType<SessionDown>().Should().ContainSingle();
        t.Next.LastError.Should().Contain("NOTIFICATION");
    }

    [Fact]
    public void Handle_UpdateDecodeErrorInEstablished_SendsTheErrorsNotification()
    {
        var error = BgpDecodeError.Update(UpdateMessageError.MalformedAttributeList, default, BgpErrorAction.SessionReset, "test");
        var t = BgpFsm.Handle(Config, Established(), FsmEvent.DecodeFailed(error));

        var n = SentNotification(t);
        n.Code.Should().Be(BgpErrorCode.UpdateMessageError);
        n.Subcode.Should().Be((byte)UpdateMessageError.MalformedAttributeList);
    }

    [Fact]
    public void Handle_CollisionDumpInOpenConfirm_SendsCeaseCollisionResolution()
    {
        var openConfirm = StateAfter(FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed, FsmEvent.Received(PeerOpen()));
        var t = BgpFsm.Handle(Config, openConfirm, FsmEvent.OpenCollisionDump);

        var n = SentNotification(t);
        n.Code.Should().Be(BgpErrorCode.Cease);
        n.Subcode.Should().Be((byte)CeaseSubcode.ConnectionCollisionResolution);
        t.Next.State.Should().Be(SessionState.Idle);
    }

    [Fact]
    public void Handle_IdleHoldExpiresAfterFailure_RestartsAutomatically()
    {
        var down = BgpFsm.Handle(Config, Established(), FsmEvent.TimerExpired(FsmTimer.Hold)).Next;
        var t = BgpFsm.Handle(Config, down, FsmEvent.TimerExpired(FsmTimer.IdleHold));

        t.Next.State.Should().Be(SessionState.Connect);
        t.Actions.Should().Contain(InitiateConnection.Instance);
        t.Next.ConnectRetryCounter.Should().Be(1);
    }

    [Fact]
    public void Handle_ConnectionOfferedInIdle_IsRefused()
    {
        var t = BgpFsm.Handle(Config, FsmState.Initial, FsmEvent.TcpConnectionConfirmed);

        t.Next.State.Should().Be(SessionState.Idle);
        t.Actions.Should().Equal(DropConnection.Instance);
    }

    public static TheoryData<string, FsmEvent[], SessionState[]> Sequences => new()
    {
        {
            "active open to Established",
            [FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed, FsmEvent.Received(PeerOpen()), FsmEvent.Received(KeepaliveMessage.Instance)],
            [SessionState.Connect, SessionState.OpenSent, SessionState.OpenConfirm, SessionState.Established]
        },
        {
            "connect fails, retry succeeds",
            [FsmEvent.ManualStart, FsmEvent.TcpConnectionFails, FsmEvent.TimerExpired(FsmTimer.ConnectRetry), FsmEvent.TcpConnectionConfirmed],
            [SessionState.Connect, SessionState.Active, SessionState.Connect, SessionState.OpenSent]
        },
        {
            "connection lost in OpenSent falls back to Active",
            [FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed, FsmEvent.TcpConnectionFails, FsmEvent.TcpConnectionConfirmed],
            [SessionState.Connect, SessionState.OpenSent, SessionState.Active, SessionState.OpenSent]
        },
        {
            "hold timer in OpenSent, then automatic restart",
            [FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed, FsmEvent.TimerExpired(FsmTimer.Hold), FsmEvent.TimerExpired(FsmTimer.IdleHold)],
            [SessionState.Connect, SessionState.OpenSent, SessionState.Idle, SessionState.Connect]
        },
        {
            "update before keepalive in OpenConfirm",
            [FsmEvent.ManualStart, FsmEvent.TcpConnectionConfirmed, FsmEvent.Received(PeerOpen()), FsmEvent.Received(UpdateMessage.EndOfRib(Codec.Nlri.AfiSafi.IPv4Unicast))],
            [SessionState.Connect, SessionState.OpenSent, SessionState.OpenConfirm, SessionState.Idle]
        },
        {
            "stop while connecting",
            [FsmEvent.ManualStart, FsmEvent.ManualStop, FsmEvent.TimerExpired(FsmTimer.IdleHold)],
            [SessionState.Connect, SessionState.Idle, SessionState.Connect]
        },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Handle_EventSequence_VisitsExpectedStates(string name, FsmEvent[] events, SessionState[] expected)
    {
        var state = FsmState.Initial;
        var visited = new List<SessionState>();
        foreach (var e in events)
        {
            state = BgpFsm.Handle(Config, state, e).Next;
            visited.Add(state.State);
        }

        visited.Should().Equal(expected, name);
    }
}
