using System.Buffers.Binary;
using System.Net;

namespace Mesh.Benchmarks.Datapath;

/// <summary>Ethernet + IPv4 + TCP SYN frames of <see cref="Length"/> bytes with valid checksums, and readers for them.</summary>
internal static class BenchFrames
{
    /// <summary>14 + 20 + 20 + 6 bytes of payload; datapath_bench.c restores exactly this many (BENCH_FRAME_LEN).</summary>
    public const int Length = 60;

    private const int IpOffset = 14;
    private const int TcpOffset = 34;

    public static byte[] TcpSyn(IPAddress source, ushort sourcePort, IPAddress destination, ushort destinationPort)
    {
        var frame = new byte[Length];
        frame[0] = 0x02;
        frame[5] = 0x02;
        frame[6] = 0x02;
        frame[11] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        var ip = frame.AsSpan(IpOffset, 20);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(frame.Length - IpOffset));
        ip[8] = 64;
        ip[9] = 6;
        source.TryWriteBytes(ip[12..], out _);
        destination.TryWriteBytes(ip[16..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~Fold(Add(0, ip)));
        var tcp = frame.AsSpan(TcpOffset);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        tcp[12] = 0x50;
        tcp[13] = 0x02;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 65535);
        "bench!"u8.CopyTo(tcp[20..]);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], (ushort)~TcpSum(frame));
        return frame;
    }

    public static IPAddress Destination(byte[] frame) => new(frame.AsSpan(IpOffset + 16, 4));

    public static ushort DestinationPort(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(TcpOffset + 2));

    public static bool ChecksumsValid(byte[] frame) =>
        Fold(Add(0, frame.AsSpan(IpOffset, 20))) == 0xffff && TcpSum(frame) == 0xffff;

    private static ushort TcpSum(byte[] frame)
    {
        var segment = frame.AsSpan(TcpOffset);
        Span<byte> pseudo = stackalloc byte[12];
        frame.AsSpan(IpOffset + 12, 8).CopyTo(pseudo);
        pseudo[9] = 6;
        BinaryPrimitives.WriteUInt16BigEndian(pseudo[10..], (ushort)segment.Length);
        return Fold(Add(Add(0, pseudo), segment));
    }

    private static uint Add(uint sum, ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i += 2)
        {
            sum += (uint)(bytes[i] << 8) | (i + 1 < bytes.Length ? bytes[i + 1] : 0u);
        }
        return sum;
    }

    private static ushort Fold(uint sum)
    {
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (ushort)sum;
    }
}
