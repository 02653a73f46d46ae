using System.Net;
using System.Net.Sockets;

namespace Mesh.Bpf.Maps.Layouts;

/// <summary>Value of <c>cilium_lb4_reverse_nat</c> (packed 6 B): be32 VIP @0, be16 port @4.</summary>
public readonly record struct Lb4RevNatValue : IBpfLayout<Lb4RevNatValue>
{
    public const int ByteSize = 6;

    public Lb4RevNatValue(IPAddress address, ushort port)
    {
        Address = HostOrder.RequireFamily(address, AddressFamily.InterNetwork, nameof(address));
        Port = port;
    }

    public static int Size => ByteSize;

    public IPAddress Address { get; }

    public ushort Port { get; }

    public void Write(Span<byte> destination)
    {
        HostOrder.CheckLength(destination, ByteSize, nameof(Lb4RevNatValue));
        HostOrder.WriteAddress(Address, destination[..4]);
        HostOrder.WriteNetwork16(destination[4..], Port);
    }

    public static Lb4RevNatValue Read(ReadOnlySpan<byte> source)
    {
        HostOrder.CheckLength(source, ByteSize, nameof(Lb4RevNatValue));
        return new Lb4RevNatValue(new IPAddress(source[..4]), HostOrder.ReadNetwork16(source[4..]));
    }

    public override string ToString() => LayoutText.HostPort(Address, Port);
}
