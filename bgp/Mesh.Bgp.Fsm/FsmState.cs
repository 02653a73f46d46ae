using Mesh.Bgp.Codec.Messages;

namespace Mesh.Bgp.Fsm;

/// <summary>Immutable FSM state: the RFC state plus what the OPEN exchange negotiated.</summary>
public sealed record FsmState(SessionState State)
{
    public static FsmState Initial { get; } = new(SessionState.Idle);

    public int ConnectRetryCounter { get; init; }

    public OpenMessage? RemoteOpen { get; init; }

    public ushort NegotiatedHoldTime { get; init; }

    /// <summary>The last NOTIFICATION sent or received, or another reason the session went down.</summary>
    public string? LastError { get; init; }
}
