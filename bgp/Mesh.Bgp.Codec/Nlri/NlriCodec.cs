namespace Mesh.Bgp.Codec.Nlri;

/// <summary>Lists of prefixes in NLRI encoding (RFC 4271 §4.3 Withdrawn Routes / NLRI, RFC 4760 §5).</summary>
internal static class NlriCodec
{
    /// <summary>Parses a whole field; false when a prefix is longer than the family allows or overruns the field.</summary>
    public static bool TryRead(ReadOnlySpan<byte> field, bool isIPv6, out ValueArray<Prefix> prefixes)
    {
        prefixes = default;
        if (field.IsEmpty)
        {
            return true;
        }

        // Count first so that the array is allocated once at the exact size.
        var count = 0;
        for (var pos = 0; pos < field.Length; count++)
        {
            var length = field[pos];
            if (length > (isIPv6 ? 128 : 32))
            {
                return false;
            }

            pos += 1 + ((length + 7) >> 3);
            if (pos > field.Length)
            {
                return false;
            }
        }

        var result = new Prefix[count];
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            Prefix.TryRead(field[offset..], isIPv6, out result[i], out var consumed);
            offset += consumed;
        }

        prefixes = result;
        return true;
    }

    public static int Measure(ReadOnlySpan<Prefix> prefixes)
    {
        var length = 0;
        foreach (var prefix in prefixes)
        {
            length += prefix.EncodedLength;
        }

        return length;
    }

    public static int Write(Span<byte> destination, ReadOnlySpan<Prefix> prefixes)
    {
        var pos = 0;
        foreach (var prefix in prefixes)
        {
            pos += prefix.Write(destination[pos..]);
        }

        return pos;
    }
}
