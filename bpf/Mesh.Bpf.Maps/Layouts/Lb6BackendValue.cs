using System.Net;
using System.Net.Sockets;

namespace Mesh.Bpf.Maps.Layouts;

/// <summary>
/// Value of <c>cilium_lb6_backends_v3</c> (24 B): 16-byte address @0, be16 port @16, u8 proto @18, u8 flags
/// (state) @19, u16 cluster_id @20 (host order), u8 zone @22, pad @23.
/// </summary>
public readonly record struct Lb6BackendValue : IBpfLayout<Lb6BackendValue>
{
    public const int ByteSize = 24;

    public Lb6BackendValue(IPAddress address, ushort port, L4Proto proto, BackendState state = BackendState.Active, ushort clusterId = 0, byte zone = 0)
    {
        Address = HostOrder.RequireFamily(address, AddressFamily.InterNetworkV6, nameof(address));
        Port = port;
        Proto = proto;
        State = state;
        ClusterId = clusterId;
        Zone = zone;
    }

    public static int Size => ByteSize;

    public IPAddress Address { get; }

    public ushort Port { get; }

    public L4Proto Proto { get; }

    public BackendState State { get; }

    public ushort ClusterId { get; }

    public byte Zone { get; }

    public void Write(Span<byte> destination)
    {
        HostOrder.CheckLength(destination, ByteSize, nameof(Lb6BackendValue));
        HostOrder.WriteAddress(Address, destination[..16]);
        HostOrder.WriteNetwork16(destination[16..], Port);
        destination[18] = (byte)Proto;
        destination[19] = (byte)State;
        HostOrder.WriteUInt16(destination[20..], ClusterId);
        destination[22] = Zone;
        destination[23] = 0;
    }

    public static Lb6BackendValue Read(ReadOnlySpan<byte> source)
    {
        HostOrder.CheckLength(source, ByteSize, nameof(Lb6BackendValue));
        return new Lb6BackendValue(new IPAddress(source[..16]), HostOrder.ReadNetwork16(source[16..]), (L4Proto)source[18], (BackendState)source[19], HostOrder.ReadUInt16(source[20..]), source[22]);
    }

    public override string ToString() => LayoutText.Backend(Address, Port, Proto);
}
