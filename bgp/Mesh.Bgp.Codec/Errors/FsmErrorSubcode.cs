namespace Mesh.Bgp.Codec.Errors;

/// <summary>Subcodes of <see cref="BgpErrorCode.FiniteStateMachineError"/> (RFC 6608 §3).</summary>
public enum FsmErrorSubcode : byte
{
    Unspecified = 0,
    UnexpectedMessageInOpenSent = 1,
    UnexpectedMessageInOpenConfirm = 2,
    UnexpectedMessageInEstablished = 3,
}
