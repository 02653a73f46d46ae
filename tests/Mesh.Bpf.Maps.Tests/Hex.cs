namespace Mesh.Bpf.Maps.Tests;

/// <summary>Expected bytes written as "0a 60 00 0a"; encodes a layout for comparison.</summary>
internal static class Hex
{
    public static byte[] Bytes(string spaced) => Convert.FromHexString(spaced.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public static byte[] Encode<T>(T layout)
        where T : struct, Layouts.IBpfLayout<T>
    {
        var bytes = new byte[T.Size];
        layout.Write(bytes);
        return bytes;
    }
}
