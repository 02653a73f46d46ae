using System.Net;
using System.Net.Sockets;

namespace Mesh.Bpf.Maps.Layouts;

/// <summary>
/// Value of <c>cilium_lb4_backends_v3</c> (12 B): be32 address @0, be16 port @4, u8 proto @6, u8 flags (state) @7,
/// u16 cluster_id @8 (host order), u8 zone @10, pad @11.
/// </summary>
public readonly record struct Lb4BackendValue : IBpfLayout<Lb4BackendValue>
{
    public const int ByteSize = 12;

    public Lb4BackendValue(IPAddress address, ushort port, L4Proto proto, BackendState state = BackendState.Active, ushort clusterId = 0, byte zone = 0)
    {
        Address = HostOrder.RequireFamily(address, AddressFamily.InterNetwork, nameof(address));
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
        HostOrder.CheckLength(destination, ByteSize, nameof(Lb4BackendValue));
        HostOrder.WriteAddress(Address, destination[..4]);
        HostOrder.WriteNetwork16(destination[4..], Port);
        destination[6] = (byte)Proto;
        destination[7] = (byte)State;
        HostOrder.WriteUInt16(destination[8..], ClusterId);
        destination[10] = Zone;
        destination[11] = 0;
    }

    public static Lb4BackendValue Read(ReadOnlySpan<byte> source)
    {
        HostOrder.CheckLength(source, ByteSize, nameof(Lb4BackendValue));
        return new Lb4BackendValue(new IPAddress(source[..4]), HostOrder.ReadNetwork16(source[4..]), (L4Proto)source[6], (BackendState)source[7], HostOrder.ReadUInt16(source[8..]), source[10]);
    }

    public override string ToString() => LayoutText.Backend(Address, Port, Proto);
}
