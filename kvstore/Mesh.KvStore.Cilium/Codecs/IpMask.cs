using System.Net;
using System.Net.Sockets;

namespace Mesh.KvStore.Cilium.Codecs;

/// <summary>Go's net.IPMask: the mask bytes, which encoding/json writes as base64 ("////AA==" is /24).</summary>
internal static class IpMask
{
    public static byte[] ToBytes(int prefixLength, AddressFamily family)
    {
        var mask = new byte[family == AddressFamily.InterNetworkV6 ? 16 : 4];
        for (var i = 0; i < prefixLength; i++)
        {
            mask[i / 8] |= (byte)(0x80 >> (i % 8));
        }
        return mask;
    }

    /// <summary>The prefix length of a canonical mask, or null when the ones are not contiguous.</summary>
    public static int? PrefixLength(ReadOnlySpan<byte> mask)
    {
        var length = 0;
        var seenZero = false;
        foreach (var b in mask)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                var one = (b >> bit & 1) == 1;
                if (one && seenZero)
                {
                    return null;
                }
                if (one)
                {
                    length++;
                }
                else
                {
                    seenZero = true;
                }
            }
        }
        return length;
    }

    public static IPAddress? ParseIp(string text, string field)
    {
        if (text.Length == 0)
        {
            return null;
        }
        if (!IPAddress.TryParse(text, out var address) || text.Contains('%', StringComparison.Ordinal))
        {
            throw new CiliumDecodeException(field, $"'{text}' is not an IP address");
        }
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}
