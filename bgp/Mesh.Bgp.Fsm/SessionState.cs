namespace Mesh.Bgp.Fsm;

/// <summary>The six states of the RFC 4271 §8.2.2 session FSM.</summary>
public enum SessionState
{
    Idle,
    Connect,
    Active,
    OpenSent,
    OpenConfirm,
    Established,
}
