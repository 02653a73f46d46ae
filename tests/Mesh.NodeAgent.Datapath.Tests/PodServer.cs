using System.Net;
using System.Net.Sockets;
using System.Text;
using Mesh.Bpf.Loader;

namespace Mesh.NodeAgent.Datapath.Tests;

/// <summary>
/// A TCP server living in a pod's network namespace (its socket is made there): each connection gets the pod's
/// name on a line, then every line it sends comes back.
/// </summary>
internal sealed class PodServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly string _name;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private PodServer(Socket listener, string name)
    {
        _listener = listener;
        _name = name;
        _accepting = AcceptAsync();
    }

    public static async Task<PodServer> StartAsync(string namespacePath, IPAddress address, int port, string name)
    {
        var listener = await NetworkNamespaceThread.RunAsync(namespacePath, () =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(16);
            return socket;
        });
        return new PodServer(listener, name);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var connection = await _listener.AcceptAsync(_stop.Token);
                connections.Add(ServeAsync(connection));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
        await Task.WhenAll(connections).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ServeAsync(Socket connection)
    {
        using (connection)
        {
            try
            {
                await using var stream = new NetworkStream(connection, ownsSocket: false);
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { AutoFlush = true };
                await writer.WriteLineAsync(_name.AsMemory(), _stop.Token);
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    await writer.WriteLineAsync(line.AsMemory(), _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
                // Connection reset or server stopping.
            }
        }
    }
}
