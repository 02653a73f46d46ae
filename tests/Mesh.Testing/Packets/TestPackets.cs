using System.Buffers.Binary;
using System.Net;

namespace Mesh.Testing.Packets;

/// <summary>Ethernet + IPv4/IPv6 + TCP frames built and checked in C#, independently of the C helpers.</summary>
public static class TestPackets
{
    /// <summary>Bytes of an IPv4 frame from <see cref="Tcp"/>: 14 + 20 + 20 + 6 of payload.</summary>
    public const int Tcp4Length = 14 + 20 + 20 + 6;

    public const int IpOffset = 14;
    public const int TcpOffset = 34;

    public static byte[] Tcp(IPAddress source, ushort sourcePort, IPAddress destination, ushort destinationPort)
    {
        var frame = new byte[Tcp4Length];
        WriteEthernet(frame, 0x0800);
        var ip = frame.AsSpan(IpOffset, 20);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(frame.Length - IpOffset));
        ip[8] = 64;
        ip[9] = 6;
        source.TryWriteBytes(ip[12..], out _);
        destination.TryWriteBytes(ip[16..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~Sum(ip));
        var tcp = frame.AsSpan(TcpOffset);
        WriteSyn(tcp, sourcePort, destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], (ushort)~TcpSum(frame));
        return frame;
    }

    public static IPAddress Source(byte[] frame) => new(frame.AsSpan(IpOffset + 12, 4));

    public static IPAddress Destination(byte[] frame) => new(frame.AsSpan(IpOffset + 16, 4));

    public static ushort SourcePort(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(TcpOffset));

    public static ushort DestinationPort(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(TcpOffset + 2));

    public static bool IpChecksumValid(byte[] frame) => Sum(frame.AsSpan(IpOffset, 20)) == 0xffff;

    public static bool TcpChecksumValid(byte[] frame) => TcpSum(frame) == 0xffff;

    public const int Tcp6Offset = 14 + 40;

    /// <summary>Ethernet + IPv6 (no extension headers) + TCP SYN with a 6-byte payload and a valid checksum.</summary>
    public static byte[] Tcp6(IPAddress source, ushort sourcePort, IPAddress destination, ushort destinationPort)
    {
        var frame = new byte[14 + 40 + 20 + 6];
        WriteEthernet(frame, 0x86dd);
        var ip = frame.AsSpan(IpOffset, 40);
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(frame.Length - Tcp6Offset));
        ip[6] = 6;
        ip[7] = 64;
        source.TryWriteBytes(ip[8..], out _);
        destination.TryWriteBytes(ip[24..], out _);
        var tcp = frame.AsSpan(Tcp6Offset);
        WriteSyn(tcp, sourcePort, destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], (ushort)~Tcp6Sum(frame));
        return frame;
    }

    public static IPAddress Source6(byte[] frame) => new(frame.AsSpan(IpOffset + 8, 16));

    public static IPAddress Destination6(byte[] frame) => new(frame.AsSpan(IpOffset + 24, 16));

    public static ushort SourcePort6(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(Tcp6Offset));

    public static ushort DestinationPort6(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(Tcp6Offset + 2));

    public static bool Tcp6ChecksumValid(byte[] frame) => Tcp6Sum(frame) == 0xffff;

    private static ushort Tcp6Sum(byte[] frame)
    {
        var segment = frame.AsSpan(Tcp6Offset);
        Span<byte> pseudo = stackalloc byte[40];
        frame.AsSpan(IpOffset + 8, 32).CopyTo(pseudo);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo[32..], (uint)segment.Length);
        pseudo[39] = 6;
        return Fold(Add(Add(0, pseudo), segment));
    }

    private static ushort TcpSum(byte[] frame)
    {
        var segment = frame.AsSpan(TcpOffset);
        Span<byte> pseudo = stackalloc byte[12];
        frame.AsSpan(IpOffset + 12, 8).CopyTo(pseudo);
        pseudo[9] = 6;
        BinaryPrimitives.WriteUInt16BigEndian(pseudo[10..], (ushort)segment.Length);
        return Fold(Add(Add(0, pseudo), segment));
    }

    private static ushort Sum(ReadOnlySpan<byte> bytes) => Fold(Add(0, bytes));

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

    /// <summary>Destination 02:00:00:00:00:02, source 02:00:00:00:00:01, then the EtherType.</summary>
    private static void WriteEthernet(byte[] frame, ushort etherType)
    {
        frame[0] = 0x02;
        frame[5] = 0x02;
        frame[6] = 0x02;
        frame[11] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
    }

    /// <summary>A 20-byte TCP SYN header followed by the 6-byte payload; the checksum is left to the caller.</summary>
    private static void WriteSyn(Span<byte> tcp, ushort sourcePort, ushort destinationPort)
    {
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        tcp[12] = 0x50;
        tcp[13] = 0x02; // SYN
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 65535);
        "hello!"u8.CopyTo(tcp[20..]);
    }
}
