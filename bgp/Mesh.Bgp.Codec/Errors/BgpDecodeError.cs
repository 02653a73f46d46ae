using System.Buffers.Binary;

namespace Mesh.Bgp.Codec.Errors;

/// <summary>
/// A decode failure as data: the NOTIFICATION the RFCs prescribe (code, subcode, data) and the RFC 7606
/// action. For <see cref="BgpErrorAction.SessionReset"/> the session sends the NOTIFICATION; for the
/// other actions no NOTIFICATION is sent and the fields only explain the error in logs.
/// </summary>
public sealed record BgpDecodeError(BgpErrorCode Code, byte Subcode, ValueArray<byte> Data, BgpErrorAction Action, string Reason)
{
    public static BgpDecodeError Header(MessageHeaderError subcode, ValueArray<byte> data, string reason) =>
        new(BgpErrorCode.MessageHeaderError, (byte)subcode, data, BgpErrorAction.SessionReset, reason);

    /// <summary>RFC 4271 §6.1: bad marker → 1/1, no data.</summary>
    public static BgpDecodeError ConnectionNotSynchronized() =>
        Header(MessageHeaderError.ConnectionNotSynchronized, default, "header marker is not all ones");

    /// <summary>RFC 4271 §6.1: the data is the erroneous Length field.</summary>
    public static BgpDecodeError BadMessageLength(ushort length, string reason)
    {
        var data = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(data, length);
        return Header(MessageHeaderError.BadMessageLength, data, reason);
    }

    /// <summary>RFC 4271 §6.1: the data is the erroneous Type field.</summary>
    public static BgpDecodeError BadMessageType(byte type) =>
        Header(MessageHeaderError.BadMessageType, new[] { type }, $"unknown message type {type}");

    public static BgpDecodeError Open(OpenMessageError subcode, ValueArray<byte> data, string reason) =>
        new(BgpErrorCode.OpenMessageError, (byte)subcode, data, BgpErrorAction.SessionReset, reason);

    /// <summary>RFC 4271 §6.2: the data is the largest version we support (2 octets).</summary>
    public static BgpDecodeError UnsupportedVersion(byte version) =>
        Open(OpenMessageError.UnsupportedVersionNumber, new byte[] { 0, BgpConstants.Version }, $"unsupported BGP version {version}");

    public static BgpDecodeError BadPeerAs(uint asn) => Open(OpenMessageError.BadPeerAs, default, $"unacceptable peer AS {asn}");

    public static BgpDecodeError BadBgpIdentifier(uint identifier) =>
        Open(OpenMessageError.BadBgpIdentifier, default, $"unacceptable BGP identifier {identifier}");

    public static BgpDecodeError UnacceptableHoldTime(ushort holdTime) =>
        Open(OpenMessageError.UnacceptableHoldTime, default, $"hold time {holdTime} is 1 or 2 seconds");

    /// <summary>RFC 5492 §5: the data lists the capabilities we require and the peer did not offer.</summary>
    public static BgpDecodeError UnsupportedCapability(ValueArray<byte> capabilities, string reason) =>
        Open(OpenMessageError.UnsupportedCapability, capabilities, reason);

    public static BgpDecodeError Update(UpdateMessageError subcode, ValueArray<byte> data, BgpErrorAction action, string reason) =>
        new(BgpErrorCode.UpdateMessageError, (byte)subcode, data, action, reason);

    /// <summary>RFC 7313 §5: the data is the complete ROUTE-REFRESH message.</summary>
    public static BgpDecodeError RouteRefreshLength(ValueArray<byte> message) =>
        new(BgpErrorCode.RouteRefreshMessageError, 1, message, BgpErrorAction.SessionReset, "ROUTE-REFRESH length is not 23");

    public override string ToString() => $"{Code}/{Subcode} ({Action}): {Reason}";
}
