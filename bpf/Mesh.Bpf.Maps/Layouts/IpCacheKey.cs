using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Bpf.Maps.Layouts;

/// <summary>
/// LPM key of <c>cilium_ipcache_v2</c> (packed 24 B): u32 prefixlen @0 (= 32 static bits + CIDR length, host
/// order), u16 cluster_id @4, u8 pad @6, u8 family @7 (1 IPv4, 2 IPv6), 16-byte address @8 (IPv4 in the first
/// four). The address is masked to the prefix so equal prefixes always encode to equal bytes.
/// </summary>
public readonly record struct IpCacheKey : IBpfLayout<IpCacheKey>
{
    public const int ByteSize = 24;

    /// <summary>cluster_id, pad and family: always matched exactly.</summary>
    public const int StaticPrefixBits = 32;

    private const byte FamilyIPv4 = 1;
    private const byte FamilyIPv6 = 2;

    public IpCacheKey(IPAddress prefix, int prefixLength, ushort clusterId = 0)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var bits = prefix.AddressFamily switch
        {
            AddressFamily.InterNetwork => 32,
            AddressFamily.InterNetworkV6 => 128,
            _ => throw new ArgumentException($"{prefix} is neither IPv4 nor IPv6", nameof(prefix)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, bits);
        Prefix = Mask(prefix, prefixLength);
        PrefixLength = prefixLength;
        ClusterId = clusterId;
    }

    public static int Size => ByteSize;

    /// <summary>The network address (host bits cleared).</summary>
    public IPAddress Prefix { get; }

    /// <summary>The CIDR length (0-32 or 0-128), without the static bits.</summary>
    public int PrefixLength { get; }

    public ushort ClusterId { get; }

    public bool IsIPv6 => Prefix.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>A single address: /32 or /128, the shape the datapath looks up.</summary>
    public static IpCacheKey Host(IPAddress address, ushort clusterId = 0)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new IpCacheKey(address, address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32, clusterId);
    }

    public void Write(Span<byte> destination)
    {
        HostOrder.CheckLength(destination, ByteSize, nameof(IpCacheKey));
        destination[..ByteSize].Clear();
        HostOrder.WriteUInt32(destination, (uint)(StaticPrefixBits + PrefixLength));
        HostOrder.WriteUInt16(destination[4..], ClusterId);
        destination[7] = IsIPv6 ? FamilyIPv6 : FamilyIPv4;
        HostOrder.WriteAddress(Prefix, destination[8..]);
    }

    /// <summary>
    /// Writes the key of <paramref name="prefix"/>/<paramref name="prefixLength"/> (host bits cleared) straight into
    /// <paramref name="destination"/>: what <see cref="Write(Span{byte})"/> of a new key writes, without building one.
    /// </summary>
    public static void Write(IPAddress prefix, int prefixLength, ushort clusterId, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        HostOrder.CheckLength(destination, ByteSize, nameof(IpCacheKey));
        var v6 = prefix.AddressFamily == AddressFamily.InterNetworkV6;
        if (!v6 && prefix.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{prefix} is neither IPv4 nor IPv6", nameof(prefix));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, v6 ? 128 : 32);
        destination[..ByteSize].Clear();
        HostOrder.WriteUInt32(destination, (uint)(StaticPrefixBits + prefixLength));
        HostOrder.WriteUInt16(destination[4..], clusterId);
        destination[7] = v6 ? FamilyIPv6 : FamilyIPv4;
        var address = destination.Slice(8, v6 ? 16 : 4);
        prefix.TryWriteBytes(address, out _);
        for (var i = prefixLength / 8; i < address.Length; i++)
        {
            address[i] &= (byte)(0xff << (8 - Math.Clamp(prefixLength - (i * 8), 0, 8)));
        }
    }

    public static IpCacheKey Read(ReadOnlySpan<byte> source)
    {
        HostOrder.CheckLength(source, ByteSize, nameof(IpCacheKey));
        var v6 = source[7] == FamilyIPv6;
        var bits = v6 ? 128 : 32;
        var length = Math.Clamp((int)HostOrder.ReadUInt32(source) - StaticPrefixBits, 0, bits);
        var address = new IPAddress(source.Slice(8, v6 ? 16 : 4));
        return new IpCacheKey(address, length, HostOrder.ReadUInt16(source[4..]));
    }

    /// <summary><c>10.0.0.0/24</c>, with <c>@&lt;cluster id&gt;</c> when the prefix belongs to another cluster.</summary>
    public override string ToString() =>
        ClusterId == 0
            ? $"{Prefix}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}"
            : $"{Prefix}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}@{ClusterId.ToString(CultureInfo.InvariantCulture)}";

    private static IPAddress Mask(IPAddress address, int prefixLength)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        var changed = false;
        for (var i = 0; i < written; i++)
        {
            var keep = Math.Clamp(prefixLength - (i * 8), 0, 8);
            var masked = (byte)(bytes[i] & (byte)(0xff << (8 - keep)));
            changed |= masked != bytes[i];
            bytes[i] = masked;
        }
        return changed ? new IPAddress(bytes[..written]) : address;
    }
}
