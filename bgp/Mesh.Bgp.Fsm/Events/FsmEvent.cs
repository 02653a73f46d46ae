using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;

namespace Mesh.Bgp.Fsm.Events;

/// <summary>One input to <see cref="BgpFsm.Handle"/>: the event and, for message events, the decoded message or error.</summary>
public sealed record FsmEvent(FsmEventType Type, BgpMessage? Message = null, BgpDecodeError? Error = null)
{
    public static FsmEvent ManualStart { get; } = new(FsmEventType.ManualStart);

    public static FsmEvent ManualStop { get; } = new(FsmEventType.ManualStop);

    public static FsmEvent TcpConnectionConfirmed { get; } = new(FsmEventType.TcpConnectionConfirmed);

    public static FsmEvent TcpConnectionFails { get; } = new(FsmEventType.TcpConnectionFails);

    public static FsmEvent OpenCollisionDump { get; } = new(FsmEventType.OpenCollisionDump);

    public static FsmEvent TimerExpired(Timers.FsmTimer timer) => timer switch
    {
        Timers.FsmTimer.ConnectRetry => new(FsmEventType.ConnectRetryTimerExpires),
        Timers.FsmTimer.Hold => new(FsmEventType.HoldTimerExpires),
        Timers.FsmTimer.Keepalive => new(FsmEventType.KeepaliveTimerExpires),
        Timers.FsmTimer.IdleHold => new(FsmEventType.IdleHoldTimerExpires),
        _ => throw new ArgumentOutOfRangeException(nameof(timer), timer, null),
    };

    public static FsmEvent DecodeFailed(BgpDecodeError error) => new(FsmEventType.DecodeError, Error: error);

    /// <summary>Maps a decoded message to its event (an UPDATE may carry a non-fatal RFC 7606 error).</summary>
    public static FsmEvent Received(BgpMessage message, BgpDecodeError? error = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var type = message switch
        {
            OpenMessage => FsmEventType.BgpOpen,
            KeepaliveMessage => FsmEventType.KeepAliveMsg,
            UpdateMessage => FsmEventType.UpdateMsg,
            NotificationMessage => FsmEventType.NotifMsg,
            RouteRefreshMessage => FsmEventType.RouteRefreshMsg,
            _ => throw new ArgumentException($"unknown message {message.Type}", nameof(message)),
        };
        return new FsmEvent(type, message, error);
    }
}
