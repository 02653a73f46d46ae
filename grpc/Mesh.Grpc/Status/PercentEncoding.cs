using System.Text;

namespace Mesh.Grpc.Status;

/// <summary>The percent-encoding of <c>grpc-message</c>: UTF-8 bytes, with bytes outside 0x20..0x7E and '%' as %XX.</summary>
internal static class PercentEncoding
{
    /// <summary>Decodes leniently: a malformed escape is kept as is, invalid UTF-8 becomes U+FFFD.</summary>
    public static string Decode(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }
        var bytes = new byte[value.Length];
        var count = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && TryHex(value[i + 1], out var high) && TryHex(value[i + 2], out var low))
            {
                bytes[count++] = (byte)((high << 4) | low);
                i += 2;
            }
            else if (c <= 0x7F)
            {
                bytes[count++] = (byte)c;
            }
            else
            {
                // Not valid in a header; keep the character rather than lose it.
                count += Encoding.UTF8.GetBytes(value.AsSpan(i, 1), bytes.AsSpan(count));
            }
        }
        return Encoding.UTF8.GetString(bytes, 0, count);
    }

    public static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }

    private static bool TryHex(char c, out int value)
    {
        value = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'f' => c - 'a' + 10,
            >= 'A' and <= 'F' => c - 'A' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}
