namespace Mesh.KvStore.Etcd;

/// <summary>Range helpers with etcd's conventions.</summary>
public static class EtcdKeys
{
    /// <summary>As a range end: every key from the start key on.</summary>
    public const string AllFromKey = "\0";

    /// <summary>The range end covering exactly the keys that start with <paramref name="prefix"/> (etcd's GetPrefixRangeEnd, on UTF-8 bytes).</summary>
    public static byte[] PrefixEnd(ReadOnlySpan<byte> prefix)
    {
        var end = prefix.ToArray();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xFF)
            {
                end[i]++;
                return end[..(i + 1)];
            }
        }
        return [0];
    }
}
