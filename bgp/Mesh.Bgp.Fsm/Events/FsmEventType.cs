namespace Mesh.Bgp.Fsm.Events;

/// <summary>The RFC 4271 §8.1 events the FSM reacts to (the subset a speaker with automatic restart needs).</summary>
public enum FsmEventType
{
    ManualStart,
    ManualStop,
    ConnectRetryTimerExpires,
    HoldTimerExpires,
    KeepaliveTimerExpires,
    IdleHoldTimerExpires,
    TcpConnectionConfirmed,
    TcpConnectionFails,
    BgpOpen,
    /// <summary>A header or OPEN error, or an UPDATE error whose RFC 7606 action is a session reset.</summary>
    DecodeError,
    /// <summary>Collision detection (RFC 4271 §6.8) chose the other connection.</summary>
    OpenCollisionDump,
    NotifMsg,
    KeepAliveMsg,
    UpdateMsg,
    RouteRefreshMsg,
}
