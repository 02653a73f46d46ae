namespace Mesh.ClusterMesh.Export.Conversion;

/// <summary>Checks on address text that need no parsed address (and no object for one).</summary>
public static class IpText
{
    /// <summary>
    /// True when <paramref name="text"/> is an IPv4 address exactly as it is formatted: four decimal octets of 0..255
    /// without leading zeros, separated by dots.
    /// </summary>
    public static bool IsCanonicalIPv4(ReadOnlySpan<char> text)
    {
        var octets = 0;
        var i = 0;
        while (true)
        {
            var start = i;
            var value = 0;
            while (i < text.Length && i - start < 3 && char.IsAsciiDigit(text[i]))
            {
                value = value * 10 + (text[i] - '0');
                i++;
            }
            var digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0'))
            {
                return false;
            }
            octets++;
            if (i == text.Length)
            {
                return octets == 4;
            }
            if (octets == 4 || text[i] != '.')
            {
                return false;
            }
            i++;
        }
    }
}
