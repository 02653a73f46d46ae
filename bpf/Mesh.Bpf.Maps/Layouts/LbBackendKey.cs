namespace Mesh.Bpf.Maps.Layouts;

/// <summary>Key of <c>cilium_lb4_backends_v3</c> and <c>cilium_lb6_backends_v3</c>: u32 backend_id in host order.</summary>
public readonly record struct LbBackendKey(uint BackendId) : IBpfLayout<LbBackendKey>
{
    public const int ByteSize = 4;

    public static int Size => ByteSize;

    public void Write(Span<byte> destination)
    {
        HostOrder.CheckLength(destination, ByteSize, nameof(LbBackendKey));
        HostOrder.WriteUInt32(destination, BackendId);
    }

    public static LbBackendKey Read(ReadOnlySpan<byte> source)
    {
        HostOrder.CheckLength(source, ByteSize, nameof(LbBackendKey));
        return new LbBackendKey(HostOrder.ReadUInt32(source));
    }

    public override string ToString() => BackendId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
