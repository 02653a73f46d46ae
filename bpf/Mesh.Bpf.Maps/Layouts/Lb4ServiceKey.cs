using System.Net;
using System.Net.Sockets;

namespace Mesh.Bpf.Maps.Layouts;

/// <summary>
/// Key of <c>cilium_lb4_services_v2</c> (12 B): be32 VIP @0, be16 dport @4, u16 backend_slot @6 (host order;
/// 0 = the service entry), u8 proto @8, u8 scope @9, pad[2] @10.
/// </summary>
public readonly record struct Lb4ServiceKey : IBpfLayout<Lb4ServiceKey>
{
    public const int ByteSize = 12;

    public Lb4ServiceKey(IPAddress vip, ushort port, ushort slot, L4Proto proto, ServiceScope scope = ServiceScope.External)
    {
        Vip = HostOrder.RequireFamily(vip, AddressFamily.InterNetwork, nameof(vip));
        Port = port;
        Slot = slot;
        Proto = proto;
        Scope = scope;
    }

    public static int Size => ByteSize;

    public IPAddress Vip { get; }

    public ushort Port { get; }

    /// <summary>0 for the service ("master") entry, 1..count for backend slots.</summary>
    public ushort Slot { get; }

    public L4Proto Proto { get; }

    public ServiceScope Scope { get; }

    /// <summary>Rewrites only the slot of an encoded key: the slots of one service differ in nothing else.</summary>
    public static void WriteSlot(Span<byte> key, ushort slot)
    {
        HostOrder.CheckLength(key, ByteSize, nameof(Lb4ServiceKey));
        HostOrder.WriteUInt16(key[6..], slot);
    }

    public void Write(Span<byte> destination)
    {
        HostOrder.CheckLength(destination, ByteSize, nameof(Lb4ServiceKey));
        HostOrder.WriteAddress(Vip, destination[..4]);
        HostOrder.WriteNetwork16(destination[4..], Port);
        HostOrder.WriteUInt16(destination[6..], Slot);
        destination[8] = (byte)Proto;
        destination[9] = (byte)Scope;
        destination[10] = 0;
        destination[11] = 0;
    }

    public static Lb4ServiceKey Read(ReadOnlySpan<byte> source)
    {
        HostOrder.CheckLength(source, ByteSize, nameof(Lb4ServiceKey));
        return new Lb4ServiceKey(new IPAddress(source[..4]), HostOrder.ReadNetwork16(source[4..]), HostOrder.ReadUInt16(source[6..]), (L4Proto)source[8], (ServiceScope)source[9]);
    }

    /// <summary>Cilium's rendering: <c>10.96.0.10:80/TCP</c>, with <c>/i</c> for the internal scope.</summary>
    public override string ToString() => LayoutText.Frontend(Vip, Port, Proto, Scope);
}
