namespace Mesh.Bpf.Maps.Layouts;

/// <summary>
/// Value of <c>cilium_lb4_services_v2</c> and <c>cilium_lb6_services_v2</c> (12 B): u32 union @0 (backend_id on
/// backend slots; affinity timeout | LB algorithm &lt;&lt; 24, or the L7 proxy port, on the service entry), u16
/// count @4, u16 rev_nat_index @6 in network order (as Cilium's Go agent writes it), u8 flags @8, u8 flags2 @9,
/// u16 qcount @10.
/// </summary>
/// <param name="BackendId">The raw u32 union; prefer the factories and the typed views.</param>
/// <param name="Count">Number of backend slots (on the service entry).</param>
/// <param name="RevNatIndex">Key of the reverse-NAT map.</param>
/// <param name="Flags">flags (low byte) and flags2 (high byte).</param>
/// <param name="QuarantinedCount">Quarantined slots, which follow the active ones.</param>
public readonly record struct LbServiceValue(uint BackendId, ushort Count, ushort RevNatIndex, ServiceFlags Flags, ushort QuarantinedCount = 0)
    : IBpfLayout<LbServiceValue>
{
    public const int ByteSize = 12;

    private const uint AffinityTimeoutMask = 0x00ff_ffff;

    public static int Size => ByteSize;

    /// <summary>Session affinity timeout (low 24 bits of the union) on the service entry.</summary>
    public uint AffinityTimeoutSeconds => BackendId & AffinityTimeoutMask;

    /// <summary>LB algorithm (top 8 bits of the union) on the service entry.</summary>
    public LbAlgorithm Algorithm => (LbAlgorithm)(BackendId >> 24);

    /// <summary>The L7 proxy port on an L7 load-balancer service entry: stored as a be16 in the union's first two bytes.</summary>
    public ushort L7ProxyPort => BitConverter.IsLittleEndian ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)BackendId) : (ushort)BackendId;

    /// <summary>The service entry (slot 0).</summary>
    public static LbServiceValue ForService(ushort count, ushort revNatIndex, ServiceFlags flags, LbAlgorithm algorithm = LbAlgorithm.Default, uint affinityTimeoutSeconds = 0, ushort quarantinedCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(affinityTimeoutSeconds, AffinityTimeoutMask);
        return new LbServiceValue(((uint)algorithm << 24) | affinityTimeoutSeconds, count, revNatIndex, flags, quarantinedCount);
    }

    /// <summary>The service entry of an L7 load-balancer service: traffic goes to the proxy on <paramref name="proxyPort"/>.</summary>
    public static LbServiceValue ForL7Service(ushort count, ushort revNatIndex, ServiceFlags flags, ushort proxyPort)
    {
        var networkOrder = BitConverter.IsLittleEndian ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(proxyPort) : proxyPort;
        return new LbServiceValue(networkOrder, count, revNatIndex, flags | ServiceFlags.L7LoadBalancer);
    }

    /// <summary>A backend slot (1..count) pointing at <paramref name="backendId"/> in the backends map.</summary>
    public static LbServiceValue ForBackendSlot(uint backendId, ushort revNatIndex, ServiceFlags flags = ServiceFlags.None) =>
        new(backendId, 0, revNatIndex, flags);

    public void Write(Span<byte> destination)
    {
        HostOrder.CheckLength(destination, ByteSize, nameof(LbServiceValue));
        HostOrder.WriteUInt32(destination, BackendId);
        HostOrder.WriteUInt16(destination[4..], Count);
        HostOrder.WriteNetwork16(destination[6..], RevNatIndex);
        destination[8] = (byte)((ushort)Flags & 0xff);
        destination[9] = (byte)((ushort)Flags >> 8);
        HostOrder.WriteUInt16(destination[10..], QuarantinedCount);
    }

    public static LbServiceValue Read(ReadOnlySpan<byte> source)
    {
        HostOrder.CheckLength(source, ByteSize, nameof(LbServiceValue));
        return new LbServiceValue(
            HostOrder.ReadUInt32(source),
            HostOrder.ReadUInt16(source[4..]),
            HostOrder.ReadNetwork16(source[6..]),
            (ServiceFlags)(source[8] | (source[9] << 8)),
            HostOrder.ReadUInt16(source[10..]));
    }
}
