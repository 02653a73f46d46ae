using System.Buffers.Binary;

namespace Mesh.Bgp.Codec.Tests;

/// <summary>Builds raw BGP bytes by hand, independently of the encoder, for byte-exact and malformed inputs.</summary>
internal static class Wire
{
    public static byte[] Message(byte type, params byte[][] bodyParts)
    {
        var body = Concat(bodyParts);
        var message = new byte[19 + body.Length];
        message.AsSpan(0, 16).Fill(0xFF);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(16), (ushort)message.Length);
        message[18] = type;
        body.CopyTo(message, 19);
        return message;
    }

    public static byte[] Update(byte[] withdrawn, byte[] attributes, byte[] nlri) =>
        Message(2, U16(withdrawn.Length), withdrawn, U16(attributes.Length), attributes, nlri);

    public static byte[] Attribute(byte flags, byte type, params byte[] value) =>
        (flags & 0x10) != 0
            ? Concat([flags, type], U16(value.Length), value)
            : Concat([flags, type, (byte)value.Length], value);

    /// <summary>ORIGIN IGP, AS_PATH [65001] (4-octet), NEXT_HOP 10.0.1.2: the minimum for IPv4 NLRI.</summary>
    public static byte[] MandatoryAttributes(bool fourOctet = true) => Concat(
        Attribute(0x40, 1, 0),
        Attribute(0x40, 2, fourOctet ? [2, 1, 0, 0, 0xFD, 0xE9] : [2, 1, 0xFD, 0xE9]),
        Attribute(0x40, 3, 10, 0, 1, 2));

    public static byte[] U16(int value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)value);
        return bytes;
    }

    public static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
}
