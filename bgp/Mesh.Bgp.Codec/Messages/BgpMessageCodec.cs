using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Messages;

/// <summary>
/// Entry points of the codec: frame a message from a byte stream, decode one message, encode one message.
/// Decoding never throws for any input; failures are <see cref="BgpDecodeError"/> values.
/// </summary>
public static class BgpMessageCodec
{
    private static ReadOnlySpan<byte> Marker => [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    /// <summary>
    /// Validates the 19-byte header at the start of <paramref name="buffer"/> (RFC 4271 §6.1). Returns false
    /// with a null error when fewer than 19 bytes are available, false with an error when the header is bad.
    /// </summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> buffer, BgpCodecContext context, out BgpMessageHeader header, out BgpDecodeError? error)
    {
        header = default;
        error = null;
        if (buffer.Length < BgpConstants.HeaderLength)
        {
            return false;
        }

        if (!buffer[..BgpConstants.MarkerLength].SequenceEqual(Marker))
        {
            error = BgpDecodeError.ConnectionNotSynchronized();
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(buffer[16..]);
        var type = buffer[18];

        // RFC 8654 §4: OPEN and KEEPALIVE stay within 4096 octets even when extended messages are negotiated.
        var max = type is (byte)BgpMessageType.Open or (byte)BgpMessageType.Keepalive ? BgpConstants.MaxMessageLength : context.MaxMessageLength;
        if (length < BgpConstants.HeaderLength || length > max)
        {
            error = BgpDecodeError.BadMessageLength(length, $"message length {length} outside 19..{max}");
            return false;
        }

        var minimum = type switch
        {
            (byte)BgpMessageType.Open => BgpConstants.OpenMinLength,
            (byte)BgpMessageType.Update => BgpConstants.UpdateMinLength,
            (byte)BgpMessageType.Notification => BgpConstants.NotificationMinLength,
            (byte)BgpMessageType.Keepalive or (byte)BgpMessageType.RouteRefresh => BgpConstants.HeaderLength,
            _ => -1,
        };
        if (minimum < 0)
        {
            error = BgpDecodeError.BadMessageType(type);
            return false;
        }

        if (length < minimum || (type == (byte)BgpMessageType.Keepalive && length != BgpConstants.KeepaliveLength))
        {
            error = BgpDecodeError.BadMessageLength(length, $"length {length} is invalid for message type {type}");
            return false;
        }

        header = new BgpMessageHeader(length, (BgpMessageType)type);
        return true;
    }

    /// <summary>
    /// Decodes exactly one message. Returns true with a message when it can be used: then
    /// <paramref name="error"/> is null, or (UPDATE only) an RFC 7606 treat-as-withdraw / attribute-discard
    /// error whose message already reflects that action. Returns false with a session-reset error otherwise.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> buffer, BgpCodecContext context, [NotNullWhen(true)] out BgpMessage? message, out BgpDecodeError? error)
    {
        message = null;
        if (!TryReadHeader(buffer, context, out var header, out error))
        {
            error ??= BgpDecodeError.BadMessageLength((ushort)buffer.Length, $"only {buffer.Length} octets, less than a header");
            return false;
        }

        if (header.Length != buffer.Length)
        {
            error = BgpDecodeError.BadMessageLength((ushort)header.Length, $"header says {header.Length} octets but {buffer.Length} were given");
            return false;
        }

        var body = buffer[BgpConstants.HeaderLength..];
        switch (header.Type)
        {
            case BgpMessageType.Open:
                return OpenMessageCodec.TryRead(body, out message, out error);
            case BgpMessageType.Update:
                return UpdateMessageCodec.TryRead(body, context, out message, out error);
            case BgpMessageType.Notification:
                message = new NotificationMessage((BgpErrorCode)body[0], body[1], body[2..].ToArray());
                return true;
            case BgpMessageType.Keepalive:
                message = KeepaliveMessage.Instance;
                return true;
            default:
                // RFC 7313 §5: a ROUTE-REFRESH whose length is not 23 is error 7/1 carrying the whole message.
                if (header.Length != BgpConstants.RouteRefreshLength)
                {
                    error = BgpDecodeError.RouteRefreshLength(buffer.ToArray());
                    return false;
                }

                var family = new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(body), (Safi)body[3]);
                message = new RouteRefreshMessage(family, (RouteRefreshSubtype)body[2]);
                return true;
        }
    }

    /// <summary>Encoded size including the header.</summary>
    public static int Measure(BgpMessage message, BgpCodecContext context)
    {
        ArgumentNullException.ThrowIfNull(message);
        return BgpConstants.HeaderLength + message switch
        {
            OpenMessage open => OpenMessageCodec.MeasureBody(open),
            UpdateMessage update => UpdateMessageCodec.MeasureBody(update, context),
            NotificationMessage notification => 2 + notification.Data.Count,
            KeepaliveMessage => 0,
            RouteRefreshMessage => 4,
            _ => throw new ArgumentException($"Unknown message {message.GetType().Name}.", nameof(message)),
        };
    }

    /// <summary>
    /// Encodes into <paramref name="destination"/> and returns the bytes written. A message larger than the
    /// negotiated maximum is a caller bug (split it, e.g. with <see cref="Packing.UpdatePacker"/>) and throws.
    /// </summary>
    public static int Encode(BgpMessage message, BgpCodecContext context, Span<byte> destination)
    {
        var length = Measure(message, context);
        var max = message.Type is BgpMessageType.Open or BgpMessageType.Keepalive ? BgpConstants.MaxMessageLength : context.MaxMessageLength;
        if (length > max)
        {
            throw new ArgumentException($"{message.Type} of {length} octets exceeds the {max}-octet limit.", nameof(message));
        }

        var span = destination[..length];
        WriteHeader(span, length, message.Type);
        var body = span[BgpConstants.HeaderLength..];
        switch (message)
        {
            case OpenMessage open:
                OpenMessageCodec.WriteBody(body, open);
                break;
            case UpdateMessage update:
                UpdateMessageCodec.WriteBody(body, update, context);
                break;
            case NotificationMessage notification:
                body[0] = (byte)notification.Code;
                body[1] = notification.Subcode;
                notification.Data.AsSpan().CopyTo(body[2..]);
                break;
            case RouteRefreshMessage refresh:
                BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)refresh.Family.Afi);
                body[2] = (byte)refresh.Subtype;
                body[3] = (byte)refresh.Family.Safi;
                break;
        }

        return length;
    }

    public static int Encode(BgpMessage message, BgpCodecContext context, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var length = Measure(message, context);
        var written = Encode(message, context, writer.GetSpan(length));
        writer.Advance(written);
        return written;
    }

    public static byte[] ToArray(BgpMessage message, BgpCodecContext context)
    {
        var bytes = new byte[Measure(message, context)];
        Encode(message, context, bytes);
        return bytes;
    }

    internal static void WriteHeader(Span<byte> destination, int length, BgpMessageType type)
    {
        Marker.CopyTo(destination);
        BinaryPrimitives.WriteUInt16BigEndian(destination[16..], (ushort)length);
        destination[18] = (byte)type;
    }
}
