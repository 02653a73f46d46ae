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

    /// <summary>
    /// RFC 9003 §2: Administrative Shutdown or Reset with a shutdown communication, a length octet and up
    /// to 255 octets of UTF-8 (truncated on a character boundary).
    /// </summary>
    public static NotificationMessage Shutdown(CeaseSubcode subcode, string communication)
    {
        ArgumentNullException.ThrowIfNull(communication);
        var bytes = System.Text.Encoding.UTF8.GetBytes(communication);
        var length = Math.Min(bytes.Length, byte.MaxValue);
        while (length < bytes.Length && length > 0 && (bytes[length] & 0xC0) == 0x80)
        {
            length--;
        }

        var data = new byte[1 + length];
        data[0] = (byte)length;
        bytes.AsSpan(0, length).CopyTo(data.AsSpan(1));
        return new NotificationMessage(BgpErrorCode.Cease, (byte)subcode, data);
    }

    /// <summary>Reads an RFC 9003 shutdown communication; false when absent or not well formed.</summary>
    public bool TryGetShutdownCommunication(out string communication)
    {
        communication = string.Empty;
        var data = Data.AsSpan();
        if (Code != BgpErrorCode.Cease || Subcode is not ((byte)CeaseSubcode.AdministrativeShutdown or (byte)CeaseSubcode.AdministrativeReset) ||
            data.IsEmpty || data[0] + 1 > data.Length)
        {
            return false;
        }

        try
        {
            communication = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(data.Slice(1, data[0]));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public override string ToString() => $"NOTIFICATION {Code}/{Subcode} data={Convert.ToHexString(Data.AsSpan())}";
}
