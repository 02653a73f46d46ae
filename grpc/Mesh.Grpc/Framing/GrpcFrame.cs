using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace Mesh.Grpc.Framing;

/// <summary>The gRPC message frame: 1 byte compressed flag, 4 bytes big-endian length, then the message.</summary>
internal static class GrpcFrame
{
    public const int HeaderSize = 5;

    public static void WriteHeader(Span<byte> destination, int length, bool compressed = false)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    /// <summary>Serializes one frame into a pooled buffer; the caller returns it with <see cref="Return"/>.</summary>
    public static byte[] Rent(IMessage message, out int frameLength)
    {
        var size = message.CalculateSize();
        frameLength = HeaderSize + size;
        var buffer = ArrayPool<byte>.Shared.Rent(frameLength);
        WriteHeader(buffer, size);
        message.WriteTo(buffer.AsSpan(HeaderSize, size));
        return buffer;
    }

    public static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);

    /// <summary>Reads a frame header; false when it is not well formed.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, out bool compressed, out uint length)
    {
        compressed = header[0] == 1;
        length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        return header[0] <= 1;
    }
}
