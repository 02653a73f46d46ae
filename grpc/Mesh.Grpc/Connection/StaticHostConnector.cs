using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Grpc.Connection;

/// <summary>
/// The TCP dialer of a channel with static host addresses (<see cref="GrpcChannelOptions.HostAddresses"/>): a listed
/// host is connected at each of its addresses in turn, moving on after a refusal or <c>attemptTimeout</c>; any other
/// host is resolved through DNS as usual. The handler then runs TLS against the host name of the URI, so SNI and the
/// certificate check use the name, never the address.
/// </summary>
internal sealed class StaticHostConnector
{
    private readonly FrozenDictionary<string, IPAddress[]> _hosts;
    private readonly TimeSpan _attemptTimeout;

    public StaticHostConnector(IReadOnlyDictionary<string, IReadOnlyList<IPAddress>> hosts, TimeSpan attemptTimeout)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        // URI hosts come lower-cased; the configured names may not be.
        _hosts = hosts.ToFrozenDictionary(h => h.Key, h => h.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
        _attemptTimeout = attemptTimeout;
    }

    /// <summary>The most addresses any host has: a connection may take this many attempts.</summary>
    public int MaxAttempts => _hosts.Count == 0 ? 1 : Math.Max(1, _hosts.Values.Max(a => a.Length));

    /// <summary>The addresses dialed for <paramref name="host"/>, in order; empty when it is resolved through DNS.</summary>
    public IReadOnlyList<IPAddress> AddressesOf(string host) => _hosts.TryGetValue(host, out var addresses) ? addresses : [];

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var target = context.DnsEndPoint;
        if (!_hosts.TryGetValue(target.Host, out var addresses))
        {
            return await DialAsync(new Socket(SocketType.Stream, ProtocolType.Tcp), target, cancellationToken).ConfigureAwait(false);
        }
        var failures = new List<string>(addresses.Length);
        Exception? last = null;
        foreach (var address in addresses)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (_attemptTimeout != Timeout.InfiniteTimeSpan)
            {
                attempt.CancelAfter(_attemptTimeout);
            }
            try
            {
                return await DialAsync(new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp), new IPEndPoint(address, target.Port), attempt.Token).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                failures.Add($"{address}: {e.Message}");
                last = e;
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{address}: no answer within {_attemptTimeout.TotalSeconds:0.###} s");
                last = e;
            }
        }
        // The handler wraps this in an HttpRequestException: the call fails as Unavailable (a transport failure).
        throw new IOException($"{target.Host}:{target.Port} is unreachable at every address it is aliased to ({string.Join("; ", failures)})", last);
    }

    private static async ValueTask<Stream> DialAsync(Socket socket, EndPoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
