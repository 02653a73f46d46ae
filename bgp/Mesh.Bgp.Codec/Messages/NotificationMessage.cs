using Mesh.Bgp.Codec.Errors;

namespace Mesh.Bgp.Codec.Messages;

/// <summary>NOTIFICATION (RFC 4271 §4.5): error code, subcode and data.</summary>
public sealed record NotificationMessage(BgpErrorCode Code, byte Subcode, ValueArray<byte> Data) : BgpMessage
{
    public override BgpMessageType Type => BgpMessageType.Notification;

    /// <summary>The NOTIFICATION a session-reset decode error prescribes.</summary>
    public static NotificationMessage From(BgpDecodeError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new NotificationMessage(error.Code, error.Subcode, error.Data);
    }

    /// <summary>RFC 4271 §6.5.</summary>
    public static NotificationMessage HoldTimerExpired() => new(BgpErrorCode.HoldTimerExpired, 0, default);

    /// <summary>RFC 6608.</summary>
    public static NotificationMessage FsmError(FsmErrorSubcode subcode) => new(BgpErrorCode.FiniteStateMachineError, (byte)subcode, default);

    /// <summary>RFC 4486.</summary>
    public static NotificationMessage Cease(CeaseSubcode subcode) => new(BgpErrorCode.Cease, (byte)subcode, default);

    public override string ToString() => $"NOTIFICATION {Code}/{Subcode} data={Convert.ToHexString(Data.AsSpan())}";
}
