using System.Net;
using System.Net.Sockets;

namespace Mesh.Bpf.Maps.Layouts;

/// <summary>
/// Value of <c>cilium_ipcache_v2</c> (24 B): u32 sec_identity @0, 16-byte tunnel_endpoint @4 (IPv4 in the first
/// four), u16 pad @20, u8 key (encryption key index) @22, u8 flags @23. The tunnel-endpoint flag bits always
/// agree with <see cref="TunnelEndpoint"/>.
/// </summary>
public readonly record struct IpCacheValue : IBpfLayout<IpCacheValue>
{
    public const int ByteSize = 24;

    private const IpCacheFlags EndpointBits = IpCacheFlags.HasTunnelEndpoint | IpCacheFlags.IPv6TunnelEndpoint;

    public IpCacheValue(uint identity, IPAddress? tunnelEndpoint = null, byte encryptKey = 0, IpCacheFlags flags = IpCacheFlags.None)
    {
        Identity = identity;
        TunnelEndpoint = tunnelEndpoint;
        EncryptKey = encryptKey;
        flags &= ~EndpointBits;
        if (tunnelEndpoint is not null)
        {
            flags |= tunnelEndpoint.AddressFamily switch
            {
                AddressFamily.InterNetwork => IpCacheFlags.HasTunnelEndpoint,
                AddressFamily.InterNetworkV6 => EndpointBits,
                _ => throw new ArgumentException($"{tunnelEndpoint} is neither IPv4 nor IPv6", nameof(tunnelEndpoint)),
            };
        }
        Flags = flags;
    }

    private IpCacheValue(uint identity, IPAddress? tunnelEndpoint, byte encryptKey, IpCacheFlags flags, bool raw)
    {
        _ = raw;
        Identity = identity;
        TunnelEndpoint = tunnelEndpoint;
        EncryptKey = encryptKey;
        Flags = flags;
    }

    public static int Size => ByteSize;

    /// <summary>The security identity of the prefix.</summary>
    public uint Identity { get; }

    /// <summary>The underlay address of the node hosting the prefix; null when traffic is not tunnelled.</summary>
    public IPAddress? TunnelEndpoint { get; }

    public byte EncryptKey { get; }

    public IpCacheFlags Flags { get; }

    public void Write(Span<byte> destination)
    {
        HostOrder.CheckLength(destination, ByteSize, nameof(IpCacheValue));
        destination[..ByteSize].Clear();
        HostOrder.WriteUInt32(destination, Identity);
        if (TunnelEndpoint is not null)
        {
            HostOrder.WriteAddress(TunnelEndpoint, destination[4..]);
        }
        destination[22] = EncryptKey;
        destination[23] = (byte)Flags;
    }

    /// <summary>Decodes as stored: an endpoint written without the flag bits (older writers) is still shown.</summary>
    public static IpCacheValue Read(ReadOnlySpan<byte> source)
    {
        HostOrder.CheckLength(source, ByteSize, nameof(IpCacheValue));
        var flags = (IpCacheFlags)source[23];
        var endpointBytes = source.Slice(4, 16);
        IPAddress? endpoint = null;
        if ((flags & IpCacheFlags.IPv6TunnelEndpoint) != 0)
        {
            endpoint = new IPAddress(endpointBytes);
        }
        else if ((flags & IpCacheFlags.HasTunnelEndpoint) != 0 || endpointBytes[..4].IndexOfAnyExcept((byte)0) >= 0)
        {
            endpoint = new IPAddress(endpointBytes[..4]);
        }
        return new IpCacheValue(HostOrder.ReadUInt32(source), endpoint, source[22], flags, raw: true);
    }
}
