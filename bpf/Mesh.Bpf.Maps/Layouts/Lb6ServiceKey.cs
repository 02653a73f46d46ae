using System.Net;
using System.Net.Sockets;

namespace Mesh.Bpf.Maps.Layouts;

/// <summary>
/// Key of <c>cilium_lb6_services_v2</c> (24 B): 16-byte VIP @0, be16 dport @16, u16 backend_slot @18 (host order),
/// u8 proto @20, u8 scope @21, pad[2] @22.
/// </summary>
public readonly record struct Lb6ServiceKey : IBpfLayout<Lb6ServiceKey>
{
    public const int ByteSize = 24;

    public Lb6ServiceKey(IPAddress vip, ushort port, ushort slot, L4Proto proto, ServiceScope scope = ServiceScope.External)
    {
        Vip = HostOrder.RequireFamily(vip, AddressFamily.InterNetworkV6, nameof(vip));
        Port = port;
        Slot = slot;
        Proto = proto;
        Scope = scope;
    }

    public static int Size => ByteSize;

    public IPAddress Vip { get; }

    public ushort Port { get; }

    public ushort Slot { get; }

    public L4Proto Proto { get; }

    public ServiceScope Scope { get; }

    /// <summary>Rewrites only the slot of an encoded key: the slots of one service differ in nothing else.</summary>
    public static void WriteSlot(Span<byte> key, ushort slot)
    {
        HostOrder.CheckLength(key, ByteSize, nameof(Lb6ServiceKey));
        HostOrder.WriteUInt16(key[18..], slot);
    }

    public void Write(Span<byte> destination)
    {
        HostOrder.CheckLength(destination, ByteSize, nameof(Lb6ServiceKey));
        HostOrder.WriteAddress(Vip, destination[..16]);
        HostOrder.WriteNetwork16(destination[16..], Port);
        HostOrder.WriteUInt16(destination[18..], Slot);
        destination[20] = (byte)Proto;
        destination[21] = (byte)Scope;
        destination[22] = 0;
        destination[23] = 0;
    }

    public static Lb6ServiceKey Read(ReadOnlySpan<byte> source)
    {
        HostOrder.CheckLength(source, ByteSize, nameof(Lb6ServiceKey));
        return new Lb6ServiceKey(new IPAddress(source[..16]), HostOrder.ReadNetwork16(source[16..]), HostOrder.ReadUInt16(source[18..]), (L4Proto)source[20], (ServiceScope)source[21]);
    }

    public override string ToString() => LayoutText.Frontend(Vip, Port, Proto, Scope);
}
