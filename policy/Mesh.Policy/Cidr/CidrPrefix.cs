using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Policy.Cidr;

/// <summary>
/// An IPv4 or IPv6 prefix with its host bits cleared. <see cref="LabelKey"/> is Cilium's label spelling (IPv6 with
/// '-' for ':', e.g. <c>0--1/128</c>), which is also accepted by <see cref="TryParse"/>.
/// </summary>
public readonly record struct CidrPrefix
{
    private readonly UInt128 _bits;

    private CidrPrefix(UInt128 bits, bool isIPv6, int length)
    {
        var width = isIPv6 ? 128 : 32;
        _bits = length == 0 ? UInt128.Zero : bits & (UInt128.MaxValue << (width - length));
        IsIPv6 = isIPv6;
        Length = length;
    }

    public bool IsIPv6 { get; }

    public int Length { get; }

    /// <summary>32 or 128.</summary>
    public int Width => IsIPv6 ? 128 : 32;

    /// <summary>0.0.0.0/0 or ::/0.</summary>
    public bool IsDefaultRoute => Length == 0;

    public IPAddress Address
    {
        get
        {
            Span<byte> bytes = stackalloc byte[16];
            if (IsIPv6)
            {
                BinaryPrimitives.WriteUInt128BigEndian(bytes, _bits);
                return new IPAddress(bytes);
            }
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)_bits);
            return new IPAddress(bytes[..4]);
        }
    }

    /// <summary>Parses <c>10.0.0.0/8</c>, a bare address (a /32 or /128) or the label spelling of an IPv6 prefix.</summary>
    public static bool TryParse(string? text, out CidrPrefix prefix)
    {
        prefix = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (addressText.Contains('-', StringComparison.Ordinal) && !addressText.Contains(':', StringComparison.Ordinal))
        {
            addressText = addressText.Replace('-', ':');
        }
        if (addressText.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(addressText, out var address))
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return false;
        }
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var width = v6 ? 128 : 32;
        var length = width;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > width))
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        var bits = v6 ? BinaryPrimitives.ReadUInt128BigEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);
        prefix = new CidrPrefix(bits, v6, length);
        return true;
    }

    public static CidrPrefix Parse(string text) =>
        TryParse(text, out var prefix) ? prefix : throw new FormatException($"'{text}' is not a CIDR prefix");

    /// <summary>True when <paramref name="other"/> lies inside this prefix (same family, equal or longer).</summary>
    public bool Contains(CidrPrefix other)
    {
        if (other.IsIPv6 != IsIPv6 || other.Length < Length)
        {
            return false;
        }
        return Length == 0 || (other._bits & (UInt128.MaxValue << (Width - Length))) == _bits;
    }

    /// <summary>Cilium's label key: <c>10.0.0.0/8</c>; IPv6 with ':' written as '-' and a leading or trailing '-' padded with 0.</summary>
    public string LabelKey
    {
        get
        {
            var text = ToString();
            if (!IsIPv6)
            {
                return text;
            }
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            var address = text[..slash].Replace(':', '-');
            if (address.StartsWith('-'))
            {
                address = "0" + address;
            }
            if (address.EndsWith('-'))
            {
                address += "0";
            }
            return address + text[slash..];
        }
    }

    public override string ToString() => $"{Address}/{Length.ToString(CultureInfo.InvariantCulture)}";
}
