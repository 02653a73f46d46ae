using System.Net;
using System.Net.Sockets;
using Mesh.Bgp.Codec;
using Mesh.Bgp.Codec.Messages;

namespace Mesh.Bgp.Speaker.Tests;

/// <summary>A hand-driven BGP peer on a plain socket: the test decides every message it sends.</summary>
internal sealed class RawPeer : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[2 * BgpConstants.MaxExtendedMessageLength];
    private int _start;
    private int _end;

    private RawPeer(Socket socket) => _socket = socket;

    /// <summary>Wraps a connection the test accepted (the speaker connected to us).</summary>
    public static RawPeer Accepted(Socket socket) => new(socket);

    public static async Task<RawPeer> ConnectAsync(IPAddress local, IPEndPoint remote)
    {
        var peer = new RawPeer(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        peer._socket.Bind(new IPEndPoint(local, 0));
        await peer._socket.ConnectAsync(remote);
        return peer;
    }

    public Task SendAsync(BgpMessage message) => SendAsync(BgpMessageCodec.ToArray(message, BgpCodecContext.Default));

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>The next message; null when the speaker closed the connection.</summary>
    public async Task<BgpMessage?> ReceiveAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            if (BgpMessageCodec.TryReadHeader(available, BgpCodecContext.Default, out var header, out var error) && available.Length >= header.Length)
            {
                BgpMessageCodec.TryDecode(available[..header.Length], BgpCodecContext.Default, out var message, out var decodeError)
                    .Should().BeTrue(decodeError?.ToString());
                _start += header.Length;
                return message;
            }

            error.Should().BeNull();
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancel.Token);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    /// <summary>Skips KEEPALIVEs and UPDATEs and returns the first other message (or null on close).</summary>
    public async Task<BgpMessage?> ReceiveControlAsync(TimeSpan timeout)
    {
        while (true)
        {
            var message = await ReceiveAsync(timeout);
            if (message is not (KeepaliveMessage or UpdateMessage))
            {
                return message;
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
