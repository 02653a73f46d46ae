namespace Mesh.Bpf.Maps.Layouts;

/// <summary>A map key or value with a fixed byte layout: encodes into exactly <see cref="Size"/> bytes and decodes back.</summary>
public interface IBpfLayout<TSelf>
    where TSelf : struct, IBpfLayout<TSelf>
{
    static abstract int Size { get; }

    /// <summary>Writes the kernel layout into the first <see cref="Size"/> bytes of <paramref name="destination"/>, padding zeroed.</summary>
    void Write(Span<byte> destination);

    /// <summary>Decodes the first <see cref="Size"/> bytes of <paramref name="source"/>.</summary>
    static abstract TSelf Read(ReadOnlySpan<byte> source);
}
