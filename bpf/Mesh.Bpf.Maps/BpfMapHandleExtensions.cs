using System.Buffers;
using Mesh.Bpf.Maps.Layouts;

namespace Mesh.Bpf.Maps;

/// <summary>Typed access through the layouts: keys and values are encoded on the stack or into pooled buffers.</summary>
public static class BpfMapHandleExtensions
{
    private const int StackLimit = 256;

    public static void Update<TKey, TValue>(this IBpfMapHandle map, in TKey key, in TValue value)
        where TKey : struct, IBpfLayout<TKey>
        where TValue : struct, IBpfLayout<TValue>
    {
        CheckLayout<TKey, TValue>(map);
        Span<byte> k = stackalloc byte[TKey.Size];
        Span<byte> v = stackalloc byte[TValue.Size];
        key.Write(k);
        value.Write(v);
        map.Update(k, v);
    }

    public static bool Delete<TKey>(this IBpfMapHandle map, in TKey key)
        where TKey : struct, IBpfLayout<TKey>
    {
        ArgumentNullException.ThrowIfNull(map);
        CheckSize(map.Descriptor.KeySize, TKey.Size, "key", typeof(TKey), map);
        Span<byte> k = stackalloc byte[TKey.Size];
        key.Write(k);
        return map.Delete(k);
    }

    public static bool TryLookup<TKey, TValue>(this IBpfMapHandle map, in TKey key, out TValue value)
        where TKey : struct, IBpfLayout<TKey>
        where TValue : struct, IBpfLayout<TValue>
    {
        CheckLayout<TKey, TValue>(map);
        Span<byte> k = stackalloc byte[TKey.Size];
        Span<byte> v = stackalloc byte[TValue.Size];
        key.Write(k);
        if (map.TryLookup(k, v))
        {
            value = TValue.Read(v);
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>Encodes into pooled buffers and writes with one batch.</summary>
    public static int UpdateBatch<TKey, TValue>(this IBpfMapHandle map, ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> values)
        where TKey : struct, IBpfLayout<TKey>
        where TValue : struct, IBpfLayout<TValue>
    {
        CheckLayout<TKey, TValue>(map);
        if (keys.Length != values.Length)
        {
            throw new ArgumentException($"{keys.Length} keys but {values.Length} values", nameof(values));
        }
        var keyBytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, keys.Length * TKey.Size));
        var valueBytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, values.Length * TValue.Size));
        try
        {
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i].Write(keyBytes.AsSpan(i * TKey.Size, TKey.Size));
                values[i].Write(valueBytes.AsSpan(i * TValue.Size, TValue.Size));
            }
            return map.UpdateBatch(keyBytes.AsSpan(0, keys.Length * TKey.Size), valueBytes.AsSpan(0, values.Length * TValue.Size));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(keyBytes);
            ArrayPool<byte>.Shared.Return(valueBytes);
        }
    }

    public static int DeleteBatch<TKey>(this IBpfMapHandle map, ReadOnlySpan<TKey> keys)
        where TKey : struct, IBpfLayout<TKey>
    {
        ArgumentNullException.ThrowIfNull(map);
        CheckSize(map.Descriptor.KeySize, TKey.Size, "key", typeof(TKey), map);
        var length = keys.Length * TKey.Size;
        var rented = length > StackLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
        var buffer = rented is null ? stackalloc byte[StackLimit] : rented;
        try
        {
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i].Write(buffer.Slice(i * TKey.Size, TKey.Size));
            }
            return map.DeleteBatch(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Every entry decoded (for dumps and restart recovery).</summary>
    public static List<KeyValuePair<TKey, TValue>> Dump<TKey, TValue>(this IBpfMapHandle map)
        where TKey : struct, IBpfLayout<TKey>
        where TValue : struct, IBpfLayout<TValue>
    {
        CheckLayout<TKey, TValue>(map);
        return Decode<TKey, TValue>(map.Dump());
    }

    /// <summary>Decodes packed entries with the given layouts.</summary>
    public static List<KeyValuePair<TKey, TValue>> Decode<TKey, TValue>(BpfMapEntries entries)
        where TKey : struct, IBpfLayout<TKey>
        where TValue : struct, IBpfLayout<TValue>
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.KeySize != TKey.Size || entries.ValueSize != TValue.Size)
        {
            throw new ArgumentException($"entries are {entries.KeySize}/{entries.ValueSize} bytes, {typeof(TKey).Name}/{typeof(TValue).Name} are {TKey.Size}/{TValue.Size}", nameof(entries));
        }
        var result = new List<KeyValuePair<TKey, TValue>>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            result.Add(new KeyValuePair<TKey, TValue>(TKey.Read(entries.Key(i)), TValue.Read(entries.Value(i))));
        }
        return result;
    }

    private static void CheckLayout<TKey, TValue>(IBpfMapHandle map)
        where TKey : struct, IBpfLayout<TKey>
        where TValue : struct, IBpfLayout<TValue>
    {
        ArgumentNullException.ThrowIfNull(map);
        CheckSize(map.Descriptor.KeySize, TKey.Size, "key", typeof(TKey), map);
        CheckSize(map.Descriptor.ValueSize, TValue.Size, "value", typeof(TValue), map);
    }

    private static void CheckSize(int mapSize, int layoutSize, string what, Type layout, IBpfMapHandle map)
    {
        if (mapSize != layoutSize)
        {
            throw new ArgumentException($"{map.Descriptor.Name} has {mapSize}-byte {what}s; {layout.Name} is {layoutSize} bytes");
        }
    }
}
