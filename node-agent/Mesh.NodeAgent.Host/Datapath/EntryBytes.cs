using System.Buffers.Binary;

namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>Up to 24 bytes of a map key or value as a hashable value (every layout here fits).</summary>
internal readonly record struct EntryBytes(ulong A, ulong B, ulong C, int Length)
{
    public const int MaxLength = 24;

    public static EntryBytes From(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxLength)
        {
            throw new ArgumentException($"{bytes.Length} bytes do not fit an entry of at most {MaxLength}", nameof(bytes));
        }
        Span<byte> padded = stackalloc byte[MaxLength];
        padded.Clear();
        bytes.CopyTo(padded);
        return new EntryBytes(
            BinaryPrimitives.ReadUInt64LittleEndian(padded),
            BinaryPrimitives.ReadUInt64LittleEndian(padded[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(padded[16..]),
            bytes.Length);
    }

    public void CopyTo(Span<byte> destination)
    {
        Span<byte> padded = stackalloc byte[MaxLength];
        BinaryPrimitives.WriteUInt64LittleEndian(padded, A);
        BinaryPrimitives.WriteUInt64LittleEndian(padded[8..], B);
        BinaryPrimitives.WriteUInt64LittleEndian(padded[16..], C);
        padded[..Length].CopyTo(destination);
    }
}
