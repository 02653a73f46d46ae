using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Bgp.Speaker.Transport;

/// <summary>
/// RFC 2385 TCP MD5 signatures through Linux's TCP_MD5SIG socket option: the key is bound to the peer's
/// address on the listening socket (for accepted connections) and on the connecting socket.
/// </summary>
internal static class TcpMd5
{
    private const int IpProtoTcp = 6;
    private const int TcpMd5Sig = 14;
    private const int MaxKeyLength = 80;

    // struct tcp_md5sig: sockaddr_storage (128), flags (1), prefixlen (1), keylen (2), ifindex (4), key[80].
    private const int OptionLength = 128 + 8 + MaxKeyLength;

    /// <summary>Sets (or with a null/empty password removes) the key for <paramref name="peer"/> on <paramref name="socket"/>.</summary>
    public static void Apply(Socket socket, IPAddress peer, string? password)
    {
        Span<byte> option = stackalloc byte[OptionLength];
        option.Clear();
        var address = socket.AddressFamily == AddressFamily.InterNetworkV6 && peer.AddressFamily == AddressFamily.InterNetwork
            ? peer.MapToIPv6()
            : peer;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(option, 2); // AF_INET, host order
            address.TryWriteBytes(option[4..8], out _);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(option, 10); // AF_INET6, host order
            address.TryWriteBytes(option[8..24], out _);
        }

        var keyLength = string.IsNullOrEmpty(password) ? 0 : Encoding.UTF8.GetBytes(password, option[136..]);
        BinaryPrimitives.WriteUInt16LittleEndian(option[130..], (ushort)keyLength);
        socket.SetRawSocketOption(IpProtoTcp, TcpMd5Sig, option);
    }
}
