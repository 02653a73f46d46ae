using Mesh.Bgp.Codec;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Fsm.Actions;
using Mesh.Bgp.Fsm.Events;
using Mesh.Bgp.Fsm.Negotiation;
using Mesh.Bgp.Fsm.Timers;

namespace Mesh.Bgp.Fsm;

/// <summary>
/// The RFC 4271 §8.2.2 session FSM as a pure function: (config, state, event) → (next state, actions).
/// No sockets, no clock: timers and connections are actions the adapter carries out, and their outcomes
/// come back as events. Collision detection needs two connections, so the adapter runs it
/// (<see cref="CollisionDetection"/>) and feeds the loser <see cref="FsmEventType.OpenCollisionDump"/>.
/// Deviation: after a failure the FSM schedules its own automatic restart with the IdleHold timer
/// (RFC 4271 §8.1.1 AutomaticStart with a fixed IdleHoldTime, no damping).
/// </summary>
public static class BgpFsm
{
    public static FsmTransition Handle(FsmConfig config, FsmState current, FsmEvent fsmEvent)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(fsmEvent);
        if (fsmEvent.Type == FsmEventType.ManualStop)
        {
            return Stop(current);
        }

        return current.State switch
        {
            SessionState.Idle => Idle(config, current, fsmEvent),
            SessionState.Connect or SessionState.Active => ConnectOrActive(config, current, fsmEvent),
            SessionState.OpenSent => OpenSent(config, current, fsmEvent),
            SessionState.OpenConfirm => OpenConfirm(config, current, fsmEvent),
            SessionState.Established => Established(config, current, fsmEvent),
            _ => throw new InvalidOperationException($"unknown state {current.State}"),
        };
    }

    private static FsmTransition Idle(FsmConfig config, FsmState current, FsmEvent e)
    {
        switch (e.Type)
        {
            case FsmEventType.ManualStart:
                return Start(config, current with { ConnectRetryCounter = 0 });
            case FsmEventType.IdleHoldTimerExpires:
                return Start(config, current);
            case FsmEventType.TcpConnectionConfirmed:
                // Idle refuses connections (RFC 4271 §8.2.2).
                return new(current, [DropConnection.Instance]);
            default:
                return Same(current);
        }
    }

    private static FsmTransition Start(FsmConfig config, FsmState current)
    {
        var next = current with { State = config.Passive ? SessionState.Active : SessionState.Connect, LastError = current.LastError };
        return config.Passive
            ? new(next, [new StopTimer(FsmTimer.IdleHold), new StartTimer(FsmTimer.ConnectRetry, config.ConnectRetryTime)])
            : new(next, [new StopTimer(FsmTimer.IdleHold), new StartTimer(FsmTimer.ConnectRetry, config.ConnectRetryTime), InitiateConnection.Instance]);
    }

    private static FsmTransition ConnectOrActive(FsmConfig config, FsmState current, FsmEvent e)
    {
        var connect = current.State == SessionState.Connect;
        switch (e.Type)
        {
            case FsmEventType.ConnectRetryTimerExpires:
                if (config.Passive)
                {
                    return new(current, [new StartTimer(FsmTimer.ConnectRetry, config.ConnectRetryTime)]);
                }

                return new(
                    current with { State = SessionState.Connect },
                    [DropConnection.Instance, new StartTimer(FsmTimer.ConnectRetry, config.ConnectRetryTime), InitiateConnection.Instance]);
            case FsmEventType.TcpConnectionConfirmed:
                return new(
                    current with { State = SessionState.OpenSent },
                    [new StopTimer(FsmTimer.ConnectRetry), new SendMessage(config.CreateOpen()), new StartTimer(FsmTimer.Hold, config.OpenHoldTime)]);
            case FsmEventType.TcpConnectionFails when connect:
                // Connect → Active: keep listening, retry when ConnectRetry expires.
                return new(current with { State = SessionState.Active }, [new StartTimer(FsmTimer.ConnectRetry, config.ConnectRetryTime)]);
            case FsmEventType.ManualStart or FsmEventType.IdleHoldTimerExpires or FsmEventType.HoldTimerExpires or FsmEventType.KeepaliveTimerExpires:
                return Same(current);
            case FsmEventType.DecodeError when e.Error is not null:
                return Fail(config, current, NotificationMessage.From(e.Error), e.Error.Reason);
            default:
                return Fail(config, current, null, $"{e.Type} in {current.State}");
        }
    }

    private static FsmTransition OpenSent(FsmConfig config, FsmState current, FsmEvent e)
    {
        switch (e.Type)
        {
            case FsmEventType.BgpOpen when e.Message is OpenMessage open:
                return ReceiveOpen(config, current, open);
            case FsmEventType.TcpConnectionFails:
                return new(
                    current with { State = SessionState.Active },
                    [DropConnection.Instance, new StopTimer(FsmTimer.Hold), new StartTimer(FsmTimer.ConnectRetry, config.ConnectRetryTime)]);
            case FsmEventType.KeepAliveMsg or FsmEventType.UpdateMsg or FsmEventType.RouteRefreshMsg:
                return Fail(config, current, NotificationMessage.FsmError(FsmErrorSubcode.UnexpectedMessageInOpenSent), $"{e.Type} in OpenSent");
            default:
                return Common(config, current, e);
        }
    }

    private static FsmTransition ReceiveOpen(FsmConfig config, FsmState current, OpenMessage open)
    {
        if (!OpenMessageValidator.TryValidate(open, config.Expectations, out var error))
        {
            return Fail(config, current, NotificationMessage.From(error!), error!.Reason);
        }

        var hold = HoldTimeNegotiation.Negotiate(config.HoldTime, open.HoldTime);
        var next = current with { State = SessionState.OpenConfirm, RemoteOpen = open, NegotiatedHoldTime = hold };
        if (hold == 0)
        {
            return new(next, [new StopTimer(FsmTimer.ConnectRetry), new SendMessage(KeepaliveMessage.Instance), new StopTimer(FsmTimer.Hold)]);
        }

        return new(next,
        [
            new StopTimer(FsmTimer.ConnectRetry),
            new SendMessage(KeepaliveMessage.Instance),
            new StartTimer(FsmTimer.Keepalive, config.KeepaliveInterval(hold)),
            new StartTimer(FsmTimer.Hold, TimeSpan.FromSeconds(hold)),
        ]);
    }

    private static FsmTransition OpenConfirm(FsmConfig config, FsmState current, FsmEvent e)
    {
        switch (e.Type)
        {
            case FsmEventType.KeepAliveMsg:
            {
                var open = current.RemoteOpen!;
                var context = BgpCodecContext.Negotiate(config.CreateOpen(), open);
                var up = new SessionUp(open, current.NegotiatedHoldTime, context);
                var next = current with { State = SessionState.Established, ConnectRetryCounter = 0, LastError = null };
                return current.NegotiatedHoldTime == 0
                    ? new(next, [up])
                    : new(next, [RestartHold(current), up]);
            }

            case FsmEventType.BgpOpen or FsmEventType.UpdateMsg or FsmEventType.RouteRefreshMsg:
                return Fail(config, current, NotificationMessage.FsmError(FsmErrorSubcode.UnexpectedMessageInOpenConfirm), $"{e.Type} in OpenConfirm");
            default:
                return Common(config, current, e);
        }
    }

    private static FsmTransition Established(FsmConfig config, FsmState current, FsmEvent e)
    {
        switch (e.Type)
        {
            case FsmEventType.KeepAliveMsg:
                return current.NegotiatedHoldTime == 0 ? Same(current) : new(current, [RestartHold(current)]);
            case FsmEventType.RouteRefreshMsg when e.Message is RouteRefreshMessage { Subtype: RouteRefreshSubtype.Normal } refresh:
                return current.NegotiatedHoldTime == 0
                    ? new(current, [new RefreshRoutes(refresh.Family)])
                    : new(current, [RestartHold(current), new RefreshRoutes(refresh.Family)]);
            case FsmEventType.RouteRefreshMsg when e.Message is RouteRefreshMessage
            {
                Subtype: RouteRefreshSubtype.BeginningOfRouteRefresh or RouteRefreshSubtype.EndOfRouteRefresh,
            } marker:
                // RFC 7313 §4: BoRR/EoRR bracket the peer's re-advertisement of the family.
                var action = new RefreshMarker(marker.Family, marker.Subtype == RouteRefreshSubtype.BeginningOfRouteRefresh);
                return current.NegotiatedHoldTime == 0 ? new(current, [action]) : new(current, [RestartHold(current), action]);
            case FsmEventType.RouteRefreshMsg:
                return current.NegotiatedHoldTime == 0 ? Same(current) : new(current, [RestartHold(current)]);
            case FsmEventType.UpdateMsg when e.Message is UpdateMessage update:
                return current.NegotiatedHoldTime == 0
                    ? new(current, [new DeliverUpdate(update)])
                    : new(current, [RestartHold(current), new DeliverUpdate(update)]);
            case FsmEventType.BgpOpen:
                return Fail(config, current, NotificationMessage.FsmError(FsmErrorSubcode.UnexpectedMessageInEstablished), "OPEN in Established");
            default:
                return Common(config, current, e);
        }
    }

    /// <summary>Events handled alike in OpenSent, OpenConfirm and Established.</summary>
    private static FsmTransition Common(FsmConfig config, FsmState current, FsmEvent e) => e.Type switch
    {
        FsmEventType.HoldTimerExpires => Fail(config, current, NotificationMessage.HoldTimerExpired(), "hold timer expired"),
        FsmEventType.KeepaliveTimerExpires when current.NegotiatedHoldTime > 0 => new(
            current,
            [new SendMessage(KeepaliveMessage.Instance), new StartTimer(FsmTimer.Keepalive, config.KeepaliveInterval(current.NegotiatedHoldTime))]),
        FsmEventType.DecodeError when e.Error is not null => Fail(config, current, NotificationMessage.From(e.Error), e.Error.Reason),
        FsmEventType.OpenCollisionDump => Fail(config, current, NotificationMessage.Cease(CeaseSubcode.ConnectionCollisionResolution), "connection collision"),
        FsmEventType.NotifMsg => Fail(config, current, null, $"peer sent {e.Message}"),
        FsmEventType.TcpConnectionFails => Fail(config, current, null, "connection lost"),
        // A second connection or a stale start/timer: the adapter handles collisions, nothing changes here.
        _ => Same(current),
    };

    private static StartTimer RestartHold(FsmState current) => new(FsmTimer.Hold, TimeSpan.FromSeconds(current.NegotiatedHoldTime));

    private static FsmTransition Stop(FsmState current)
    {
        var actions = new List<FsmAction>(7);
        if (current.State is SessionState.OpenSent or SessionState.OpenConfirm or SessionState.Established)
        {
            actions.Add(new SendMessage(NotificationMessage.Cease(CeaseSubcode.AdministrativeShutdown)));
        }

        AddStopTimers(actions);
        actions.Add(new StopTimer(FsmTimer.IdleHold));
        if (current.State != SessionState.Idle)
        {
            actions.Add(DropConnection.Instance);
        }

        if (current.State == SessionState.Established)
        {
            actions.Add(new SessionDown("administratively stopped"));
        }

        return new(new FsmState(SessionState.Idle) { LastError = current.LastError }, actions);
    }

    /// <summary>Any error: optional NOTIFICATION, release everything, Idle, and schedule the automatic restart.</summary>
    private static FsmTransition Fail(FsmConfig config, FsmState current, NotificationMessage? notification, string reason)
    {
        var actions = new List<FsmAction>(8);
        if (notification is not null)
        {
            actions.Add(new SendMessage(notification));
        }

        AddStopTimers(actions);
        actions.Add(DropConnection.Instance);
        var text = notification is null ? reason : $"{reason} (sent {notification})";
        if (current.State == SessionState.Established)
        {
            actions.Add(new SessionDown(text));
        }

        if (config.IdleHoldTime > TimeSpan.Zero)
        {
            actions.Add(new StartTimer(FsmTimer.IdleHold, config.IdleHoldTime));
        }

        var next = new FsmState(SessionState.Idle) { ConnectRetryCounter = current.ConnectRetryCounter + 1, LastError = text };
        return new(next, actions);
    }

    private static void AddStopTimers(List<FsmAction> actions)
    {
        actions.Add(new StopTimer(FsmTimer.ConnectRetry));
        actions.Add(new StopTimer(FsmTimer.Hold));
        actions.Add(new StopTimer(FsmTimer.Keepalive));
    }

    private static FsmTransition Same(FsmState current) => new(current, []);
}
