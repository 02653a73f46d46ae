using System.Buffers.Binary;

namespace Mesh.Bgp.Codec.Attributes;

/// <summary>Attribute header layout (RFC 4271 §4.3): flags, type, 1-octet length or 2-octet with Extended Length.</summary>
internal static class AttributeWire
{
    public static int Measure(int valueLength) => (valueLength > byte.MaxValue ? 4 : 3) + valueLength;

    /// <summary>Writes the header; the Extended Length bit is set exactly when the value exceeds 255 octets.</summary>
    public static int WriteHeader(Span<byte> destination, PathAttributeFlags flags, byte type, int valueLength)
    {
        flags &= ~PathAttributeFlags.ExtendedLength;
        if (valueLength > byte.MaxValue)
        {
            destination[0] = (byte)(flags | PathAttributeFlags.ExtendedLength);
            destination[1] = type;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], checked((ushort)valueLength));
            return 4;
        }

        destination[0] = (byte)flags;
        destination[1] = type;
        destination[2] = (byte)valueLength;
        return 3;
    }

    public static int WriteUInt32(Span<byte> destination, PathAttributeFlags flags, PathAttributeType type, uint value)
    {
        var header = WriteHeader(destination, flags, (byte)type, 4);
        BinaryPrimitives.WriteUInt32BigEndian(destination[header..], value);
        return header + 4;
    }

    public const PathAttributeFlags WellKnown = PathAttributeFlags.Transitive;
    public const PathAttributeFlags OptionalTransitive = PathAttributeFlags.Optional | PathAttributeFlags.Transitive;
    public const PathAttributeFlags OptionalNonTransitive = PathAttributeFlags.Optional;
}
