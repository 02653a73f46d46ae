using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Grpc;

/// <summary>
/// How a <see cref="GrpcChannel"/> connects: <c>http://</c> is HTTP/2 with prior knowledge (h2c), <c>https://</c> is
/// HTTP/2 over TLS (ALPN h2), optionally with a client certificate and a private CA.
/// </summary>
public sealed record GrpcChannelOptions
{
    public required Uri Address { get; init; }

    /// <summary>Client certificate with its private key, for servers that require mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Roots trusted for the server certificate instead of the system store; null uses the system store.</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>
    /// Static name resolution (Cilium's <c>cilium-host-aliases</c>): a host named here (case-insensitive) is dialed at
    /// its addresses, in order, each given <see cref="ConnectTimeout"/>, instead of being resolved through DNS. The
    /// address keeps the host name, so TLS sends it as SNI and checks the server certificate against it.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IPAddress>>? HostAddresses { get; init; }

    /// <summary>Time allowed to establish a connection (to each address, with <see cref="HostAddresses"/>).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Idle time after which an HTTP/2 PING is sent; <see cref="Timeout.InfiniteTimeSpan"/> disables pings.</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A PING not acknowledged within this time kills the connection (calls fail as Unavailable).</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public int MaxReceiveMessageSize { get; init; } = 16 * 1024 * 1024;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Address.IsAbsoluteUri || Address.Scheme is not ("http" or "https"))
        {
            errors.Add($"address '{Address}' must be an absolute http:// or https:// URI");
        }
        foreach (var (host, addresses) in HostAddresses ?? new Dictionary<string, IReadOnlyList<IPAddress>>())
        {
            if (string.IsNullOrWhiteSpace(host))
            {
                errors.Add("host addresses: a host name is empty");
            }
            else if (addresses is null || addresses.Count == 0)
            {
                errors.Add($"host addresses: '{host}' has no address");
            }
        }
        if (ConnectTimeout <= TimeSpan.Zero && ConnectTimeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            errors.Add("connect timeout must be positive");
        }
        if (KeepAlivePingTimeout <= TimeSpan.Zero)
        {
            errors.Add("keep-alive ping timeout must be positive");
        }
        if (MaxReceiveMessageSize <= 0)
        {
            errors.Add("max receive message size must be positive");
        }
        return errors;
    }
}
