using System.Net;
using System.Net.Sockets;
using System.Text;
using Mesh.Bpf.Loader;

namespace Mesh.NodeAgent.Datapath.Tests;

/// <summary>A TCP connection opened from a pod's network namespace: reads the server's greeting, then echoes lines.</summary>
internal sealed class PodClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;

    private PodClient(Socket socket, string greeting)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = new StreamReader(_stream, Encoding.ASCII);
        _writer = new StreamWriter(_stream, Encoding.ASCII) { AutoFlush = true };
        Greeting = greeting;
    }

    /// <summary>The name of the pod that answered.</summary>
    public string Greeting { get; private set; }

    /// <summary>Connects from the namespace; null when no connection came up within <paramref name="timeout"/>.</summary>
    public static async Task<PodClient?> TryConnectAsync(string namespacePath, IPAddress address, int port, TimeSpan timeout)
    {
        var socket = await NetworkNamespaceThread.RunAsync(namespacePath, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), deadline.Token);
            var client = new PodClient(socket, string.Empty);
            client.Greeting = await client._reader.ReadLineAsync(deadline.Token) ?? string.Empty;
            return client;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>Sends a line and returns what came back, or null when nothing did within <paramref name="timeout"/>.</summary>
    public async Task<string?> EchoAsync(string line, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _writer.WriteLineAsync(line.AsMemory(), deadline.Token);
            return await _reader.ReadLineAsync(deadline.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        _reader.Dispose();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
