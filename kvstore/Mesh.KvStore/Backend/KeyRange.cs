namespace Mesh.KvStore.Backend;

/// <summary>Key-range helpers with etcd's conventions (byte-wise ordinal order of UTF-8 keys).</summary>
public static class KeyRange
{
    /// <summary>"\0": as a range end it means "every key from Key on".</summary>
    public const string AllFromKey = "\0";

    /// <summary>The smallest key greater than every key that starts with <paramref name="prefix"/> (etcd's GetPrefixRangeEnd).</summary>
    public static string PrefixEnd(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var chars = prefix.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (chars[i] < char.MaxValue)
            {
                chars[i]++;
                return new string(chars, 0, i + 1);
            }
        }
        return AllFromKey;
    }

    /// <summary>True when <paramref name="key"/> lies in [start, end) (end null = just start).</summary>
    public static bool Contains(string start, string? end, string key)
    {
        if (end is null)
        {
            return string.Equals(key, start, StringComparison.Ordinal);
        }
        if (string.CompareOrdinal(key, start) < 0)
        {
            return false;
        }
        return end == AllFromKey || string.CompareOrdinal(key, end) < 0;
    }
}
