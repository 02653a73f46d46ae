using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Mesh.Bpf.Maps.Layouts;

/// <summary>
/// Field codecs shared by the layouts. "Host order" fields are what the kernel and the BPF programs read natively;
/// "network order" fields (addresses, ports, Go-written rev_nat_index) are big-endian.
/// </summary>
internal static class HostOrder
{
    public static void WriteUInt16(Span<byte> destination, ushort value) => MemoryMarshal.Write(destination, in value);

    public static void WriteUInt32(Span<byte> destination, uint value) => MemoryMarshal.Write(destination, in value);

    public static ushort ReadUInt16(ReadOnlySpan<byte> source) => MemoryMarshal.Read<ushort>(source);

    public static uint ReadUInt32(ReadOnlySpan<byte> source) => MemoryMarshal.Read<uint>(source);

    public static void WriteNetwork16(Span<byte> destination, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(destination, value);

    public static ushort ReadNetwork16(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt16BigEndian(source);

    public static void CheckLength(ReadOnlySpan<byte> span, int size, string type)
    {
        if (span.Length < size)
        {
            throw new ArgumentException($"{type} needs {size} bytes, got {span.Length}");
        }
    }

    public static IPAddress RequireFamily(IPAddress address, AddressFamily family, string parameter)
    {
        ArgumentNullException.ThrowIfNull(address, parameter);
        if (address.AddressFamily != family)
        {
            throw new ArgumentException($"{address} is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address", parameter);
        }
        return address;
    }

    public static void WriteAddress(IPAddress address, Span<byte> destination)
    {
        if (!address.TryWriteBytes(destination, out _))
        {
            throw new ArgumentException($"no room for {address}", nameof(destination));
        }
    }
}
