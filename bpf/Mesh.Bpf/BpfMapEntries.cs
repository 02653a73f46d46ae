namespace Mesh.Bpf;

/// <summary>
/// A snapshot of a map's entries as packed raw bytes: key <c>i</c> at <c>i * KeySize</c>, value <c>i</c> at
/// <c>i * ValueSize</c>. Two arrays for the whole dump, however many entries, so dumps allocate little.
/// </summary>
public sealed class BpfMapEntries
{
    private readonly byte[] _keys;
    private readonly byte[] _values;

    public BpfMapEntries(int keySize, int valueSize, byte[] keys, byte[] values, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keySize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(valueSize);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (keys.Length < (long)count * keySize || values.Length < (long)count * valueSize)
        {
            throw new ArgumentException($"buffers hold fewer than {count} entries of {keySize}/{valueSize} bytes");
        }
        KeySize = keySize;
        ValueSize = valueSize;
        _keys = keys;
        _values = values;
        Count = count;
    }

    public int KeySize { get; }

    public int ValueSize { get; }

    public int Count { get; }

    /// <summary>All keys, packed.</summary>
    public ReadOnlySpan<byte> Keys => _keys.AsSpan(0, Count * KeySize);

    /// <summary>All values, packed in the same order as <see cref="Keys"/>.</summary>
    public ReadOnlySpan<byte> Values => _values.AsSpan(0, Count * ValueSize);

    public ReadOnlySpan<byte> Key(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _keys.AsSpan(index * KeySize, KeySize);
    }

    public ReadOnlySpan<byte> Value(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _values.AsSpan(index * ValueSize, ValueSize);
    }
}
