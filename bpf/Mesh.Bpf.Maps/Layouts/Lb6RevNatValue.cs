using System.Net;
using System.Net.Sockets;

namespace Mesh.Bpf.Maps.Layouts;

/// <summary>Value of <c>cilium_lb6_reverse_nat</c> (packed 18 B): 16-byte VIP @0, be16 port @16.</summary>
public readonly record struct Lb6RevNatValue : IBpfLayout<Lb6RevNatValue>
{
    public const int ByteSize = 18;

    public Lb6RevNatValue(IPAddress address, ushort port)
    {
        Address = HostOrder.RequireFamily(address, AddressFamily.InterNetworkV6, nameof(address));
        Port = port;
    }

    public static int Size => ByteSize;

    public IPAddress Address { get; }

    public ushort Port { get; }

    public void Write(Span<byte> destination)
    {
        HostOrder.CheckLength(destination, ByteSize, nameof(Lb6RevNatValue));
        HostOrder.WriteAddress(Address, destination[..16]);
        HostOrder.WriteNetwork16(destination[16..], Port);
    }

    public static Lb6RevNatValue Read(ReadOnlySpan<byte> source)
    {
        HostOrder.CheckLength(source, ByteSize, nameof(Lb6RevNatValue));
        return new Lb6RevNatValue(new IPAddress(source[..16]), HostOrder.ReadNetwork16(source[16..]));
    }

    public override string ToString() => LayoutText.HostPort(Address, Port);
}
