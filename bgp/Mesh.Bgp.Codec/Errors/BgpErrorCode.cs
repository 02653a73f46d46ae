namespace Mesh.Bgp.Codec.Errors;

/// <summary>NOTIFICATION error codes (RFC 4271 §4.5, RFC 7313 §5).</summary>
public enum BgpErrorCode : byte
{
    MessageHeaderError = 1,
    OpenMessageError = 2,
    UpdateMessageError = 3,
    HoldTimerExpired = 4,
    FiniteStateMachineError = 5,
    Cease = 6,
    RouteRefreshMessageError = 7,
}
