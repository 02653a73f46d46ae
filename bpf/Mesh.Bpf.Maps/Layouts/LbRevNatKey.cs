namespace Mesh.Bpf.Maps.Layouts;

/// <summary>Key of <c>cilium_lb4_reverse_nat</c> and <c>cilium_lb6_reverse_nat</c>: u16 rev_nat_index in network order.</summary>
public readonly record struct LbRevNatKey(ushort RevNatIndex) : IBpfLayout<LbRevNatKey>
{
    public const int ByteSize = 2;

    public static int Size => ByteSize;

    public void Write(Span<byte> destination)
    {
        HostOrder.CheckLength(destination, ByteSize, nameof(LbRevNatKey));
        HostOrder.WriteNetwork16(destination, RevNatIndex);
    }

    public static LbRevNatKey Read(ReadOnlySpan<byte> source)
    {
        HostOrder.CheckLength(source, ByteSize, nameof(LbRevNatKey));
        return new LbRevNatKey(HostOrder.ReadNetwork16(source));
    }

    public override string ToString() => RevNatIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
