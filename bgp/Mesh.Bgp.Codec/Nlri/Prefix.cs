using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Bgp.Codec.Nlri;

/// <summary>
/// An IPv4 or IPv6 prefix with host bits cleared: the numeric address (IPv4 in the low 32 bits), the
/// length and the family. 24 bytes, no allocation, orders by family, address, then length.
/// </summary>
public readonly struct Prefix : IEquatable<Prefix>, IComparable<Prefix>
{
    private readonly UInt128 _address;
    private readonly byte _length;
    private readonly bool _isIPv6;

    private Prefix(UInt128 address, byte length, bool isIPv6)
    {
        _address = address;
        _length = length;
        _isIPv6 = isIPv6;
    }

    public Afi Afi => _isIPv6 ? Afi.IPv6 : Afi.IPv4;

    public bool IsIPv6 => _isIPv6;

    public int Length => _length;

    /// <summary>Width of the address family in bits (32 or 128).</summary>
    public int MaxLength => _isIPv6 ? 128 : 32;

    /// <summary>Bytes this prefix takes in an NLRI field (RFC 4271 §4.3): length octet + minimal address octets.</summary>
    public int EncodedLength => 1 + ((_length + 7) >> 3);

    public IPAddress Address
    {
        get
        {
            if (_isIPv6)
            {
                Span<byte> bytes = stackalloc byte[16];
                BinaryPrimitives.WriteUInt128BigEndian(bytes, _address);
                return new IPAddress(bytes);
            }

            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)_address);
            return new IPAddress(v4);
        }
    }

    public static Prefix IPv4(uint address, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, 32u, nameof(length));
        var mask = length == 0 ? 0u : uint.MaxValue << (32 - length);
        return new Prefix(address & mask, (byte)length, isIPv6: false);
    }

    public static Prefix IPv6(UInt128 address, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, 128u, nameof(length));
        var mask = length == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - length);
        return new Prefix(address & mask, (byte)length, isIPv6: true);
    }

    public static Prefix Create(IPAddress address, int length)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException("Unsupported address.", nameof(address));
        }

        return written == 4
            ? IPv4(BinaryPrimitives.ReadUInt32BigEndian(bytes), length)
            : IPv6(BinaryPrimitives.ReadUInt128BigEndian(bytes), length);
    }

    public static Prefix Create(IPNetwork network) => Create(network.BaseAddress, network.PrefixLength);

    public IPNetwork ToIPNetwork() => new(Address, _length);

    public static Prefix Parse(string text) =>
        TryParse(text, out var prefix) ? prefix : throw new FormatException($"Invalid prefix '{text}'.");

    public static bool TryParse([NotNullWhen(true)] string? text, out Prefix prefix)
    {
        prefix = default;
        if (text is null)
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address) ||
            !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return false;
        }

        var max = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        if (length > max)
        {
            return false;
        }

        prefix = Create(address, length);
        return true;
    }

    /// <summary>
    /// Reads one NLRI-encoded prefix (RFC 4271 §4.3, RFC 4760 §5). Returns false when the length exceeds the
    /// family width or the address octets overrun <paramref name="data"/>; bits past the length are ignored.
    /// </summary>
    internal static bool TryRead(ReadOnlySpan<byte> data, bool isIPv6, out Prefix prefix, out int consumed)
    {
        prefix = default;
        consumed = 0;
        if (data.IsEmpty)
        {
            return false;
        }

        int length = data[0];
        var width = isIPv6 ? 128 : 32;
        var octets = (length + 7) >> 3;
        if (length > width || data.Length < 1 + octets)
        {
            return false;
        }

        consumed = 1 + octets;
        if (!isIPv6)
        {
            // Hot path: assemble the address octet by octet, no temporary buffer.
            var address = 0u;
            for (var i = 0; i < octets; i++)
            {
                address |= (uint)data[1 + i] << (24 - (8 * i));
            }

            prefix = IPv4(address, length);
            return true;
        }

        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        data.Slice(1, octets).CopyTo(bytes);
        prefix = IPv6(BinaryPrimitives.ReadUInt128BigEndian(bytes), length);
        return true;
    }

    /// <summary>Writes the NLRI encoding and returns the bytes written (<see cref="EncodedLength"/>).</summary>
    internal int Write(Span<byte> destination)
    {
        var octets = (_length + 7) >> 3;
        destination[0] = _length;
        if (!_isIPv6)
        {
            var address = (uint)_address;
            for (var i = 0; i < octets; i++)
            {
                destination[1 + i] = (byte)(address >> (24 - (8 * i)));
            }

            return 1 + octets;
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, _address);
        bytes[..octets].CopyTo(destination[1..]);
        return 1 + octets;
    }

    public bool Equals(Prefix other) => _address == other._address && _length == other._length && _isIPv6 == other._isIPv6;

    public override bool Equals(object? obj) => obj is Prefix other && Equals(other);

    /// <summary>
    /// A multiply-xorshift mix of the address with a per-process seed: every table of routes is keyed by prefix, and
    /// this is several times cheaper than <see cref="HashCode.Combine{T1,T2,T3}"/> while a peer still cannot
    /// precompute prefixes that collide.
    /// </summary>
    public override int GetHashCode()
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15;
        var mixed = (((ulong)_address ^ HashSeed) * Multiplier) ^ ((ulong)(_address >> 64) * Multiplier);
        mixed = (mixed ^ (mixed >> 29) ^ ((ulong)_length << 1) ^ (_isIPv6 ? 1UL : 0UL)) * Multiplier;
        return (int)(mixed >> 32);
    }

    private static readonly ulong HashSeed = (ulong)Random.Shared.NextInt64() | 1;

    public int CompareTo(Prefix other)
    {
        var family = _isIPv6.CompareTo(other._isIPv6);
        if (family != 0)
        {
            return family;
        }

        var address = _address.CompareTo(other._address);
        return address != 0 ? address : _length.CompareTo(other._length);
    }

    public static bool operator ==(Prefix left, Prefix right) => left.Equals(right);

    public static bool operator !=(Prefix left, Prefix right) => !left.Equals(right);

    public static bool operator <(Prefix left, Prefix right) => left.CompareTo(right) < 0;

    public static bool operator >(Prefix left, Prefix right) => left.CompareTo(right) > 0;

    public static bool operator <=(Prefix left, Prefix right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Prefix left, Prefix right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Address}/{_length}";
}
