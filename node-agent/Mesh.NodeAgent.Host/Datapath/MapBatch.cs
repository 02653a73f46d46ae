namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>Packed keys (and values) for one batched map call, each remembering which row it came from.</summary>
/// <param name="keySize">Bytes per key.</param>
/// <param name="valueSize">Bytes per value (0 for key-only batches).</param>
/// <param name="capacity">Entries expected: sized once, a 65k-row round does not regrow (and re-copy) its buffers.</param>
internal sealed class MapBatch(int keySize, int valueSize, int capacity = 64)
{
    private byte[] _keys = GC.AllocateUninitializedArray<byte>(keySize * Math.Max(capacity, 1));
    private byte[] _values = GC.AllocateUninitializedArray<byte>(valueSize * Math.Max(capacity, 1));
    private readonly List<int> _rows = new(Math.Max(capacity, 1));

    public int KeySize { get; } = keySize;

    public int ValueSize { get; } = valueSize;

    public int Count => _rows.Count;

    public ReadOnlySpan<byte> Keys => _keys.AsSpan(0, Count * KeySize);

    public ReadOnlySpan<byte> Values => _values.AsSpan(0, Count * ValueSize);

    public ReadOnlySpan<byte> Key(int index) => _keys.AsSpan(index * KeySize, KeySize);

    public ReadOnlySpan<byte> Value(int index) => _values.AsSpan(index * ValueSize, ValueSize);

    public int RowOf(int index) => _rows[index];

    /// <summary>Empties the batch, keeping its buffers for the next round.</summary>
    public void Clear() => _rows.Clear();

    /// <summary>Reserves room for one more entry of <paramref name="row"/>; returns its index for <see cref="KeySpan"/>.</summary>
    public int Append(int row)
    {
        Grow(ref _keys, (Count + 1) * KeySize);
        Grow(ref _values, (Count + 1) * ValueSize);
        _rows.Add(row);
        return Count - 1;
    }

    public Span<byte> KeySpan(int index) => _keys.AsSpan(index * KeySize, KeySize);

    public Span<byte> ValueSpan(int index) => _values.AsSpan(index * ValueSize, ValueSize);

    private static void Grow(ref byte[] buffer, int needed)
    {
        if (buffer.Length < needed)
        {
            // Uninitialized: every byte up to Count is written before it is read.
            var grown = GC.AllocateUninitializedArray<byte>(Math.Max(needed, buffer.Length * 2));
            buffer.CopyTo(grown, 0);
            buffer = grown;
        }
    }
}
