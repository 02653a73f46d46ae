using System.Net;
using System.Net.Sockets;

namespace Mesh.Grpc.Tests.Server;

/// <summary>
/// An HTTP/2 peer on 127.0.0.1 that completes the SETTINGS handshake and then never answers anything, PINGs
/// included: the shape of a hung server or a black-holed connection.
/// </summary>
internal sealed class SilentHttp2Server : IAsyncDisposable
{
    // SETTINGS (type 4) with no parameters, then SETTINGS ACK (flags 0x1), both on stream 0.
    private static readonly byte[] Handshake = [0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0];
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accept;

    public SilentHttp2Server()
    {
        _listener.Start();
        _accept = AcceptAsync();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var connection = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_connections)
            {
                _connections.Add(connection);
            }
            _ = ServeAsync(connection.GetStream());
        }
    }

    private async Task ServeAsync(NetworkStream stream)
    {
        try
        {
            await stream.WriteAsync(Handshake, _stop.Token);
            var sink = new byte[4096];
            while (await stream.ReadAsync(sink, _stop.Token) > 0)
            {
                // Read and ignore: requests and PINGs alike go unanswered.
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client gave up on the connection, or the server stopped.
        }
    }
}
