namespace Mesh.Bgp.Fsm.Actions;

/// <summary>Open an outbound TCP connection to the peer; its outcome comes back as TcpConnectionConfirmed/Fails.</summary>
public sealed record InitiateConnection : FsmAction
{
    public static InitiateConnection Instance { get; } = new();
}
