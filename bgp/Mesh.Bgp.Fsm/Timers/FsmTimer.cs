namespace Mesh.Bgp.Fsm.Timers;

/// <summary>The FSM's timers (RFC 4271 §8.1.3, §10); IdleHold delays the automatic restart after an error.</summary>
public enum FsmTimer
{
    ConnectRetry,
    Hold,
    Keepalive,
    IdleHold,
}
