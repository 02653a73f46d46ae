using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Mesh.Bgp.Codec;
using Mesh.Bgp.Codec.Messages;

namespace Mesh.Bgp.Speaker.Transport;

/// <summary>
/// One TCP connection to a peer: a read loop that frames and decodes messages and a write loop that sends
/// queued byte blocks in order. Both report to <see cref="IConnectionEvents"/>; neither touches FSM or RIB.
/// </summary>
internal sealed class BgpConnection : IDisposable
{
    private static int _nextId;
    private readonly Socket _socket;
    private readonly OpenMessage _localOpen;
    private readonly IConnectionEvents _events;
    private readonly TimeSpan _closeTimeout;
    // Small messages queued together (KEEPALIVEs, single UPDATEs, refresh replies) go out as up to one standard
    // message's worth per send; a burst of UPDATEs already arrives as one buffer and is sent as it is.
    private const int CoalesceBytes = 4096;

    private readonly Channel<ReadOnlyMemory<byte>> _writes = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _abort = new();
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;

    public BgpConnection(Socket socket, bool outbound, OpenMessage localOpen, IConnectionEvents events, TimeSpan closeTimeout)
    {
        _socket = socket;
        _localOpen = localOpen;
        _events = events;
        _closeTimeout = closeTimeout;
        Outbound = outbound;
        Id = Interlocked.Increment(ref _nextId);
        LocalEndPoint = Normalize((IPEndPoint)socket.LocalEndPoint!);
        RemoteEndPoint = Normalize((IPEndPoint)socket.RemoteEndPoint!);
    }

    public int Id { get; }

    /// <summary>True when we initiated the connection (collision detection, RFC 4271 §6.8).</summary>
    public bool Outbound { get; }

    public IPEndPoint LocalEndPoint { get; }

    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>The context for encoding UPDATEs, set when the session is established.</summary>
    public BgpCodecContext SendContext { get; set; } = BgpCodecContext.Initial;

    /// <summary>The FSM instance this connection is bound to; read and written only by the speaker loop.</summary>
    public object? Owner { get; set; }

    public Task Completion => Task.WhenAll(_readLoop, _writeLoop);

    public static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    public void Start()
    {
        _socket.NoDelay = true;
        _readLoop = Task.Run(ReadLoopAsync);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    public void Send(ReadOnlyMemory<byte> bytes) => _writes.Writer.TryWrite(bytes);

    public void Send(BgpMessage message) => Send(BgpMessageCodec.ToArray(message, SendContext));

    /// <summary>Flushes what is queued (bounded by the close timeout), then closes. Idempotent.</summary>
    public void Close()
    {
        if (_writes.Writer.TryComplete())
        {
            try
            {
                _abort.CancelAfter(_closeTimeout);
            }
            catch (ObjectDisposedException)
            {
                // The write loop already ended.
            }
        }
    }

    /// <summary>Called by the write loop once the socket is closed.</summary>
    public void Dispose() => _abort.Dispose();

    private async Task ReadLoopAsync()
    {
        // Two maximum-size messages: after compaction a whole extended message always fits behind a partial one.
        var buffer = new byte[2 * BgpConstants.MaxExtendedMessageLength];
        int start = 0, end = 0;
        var context = BgpCodecContext.Initial;
        Exception? failure = null;
        try
        {
            while (true)
            {
                while (true)
                {
                    var available = buffer.AsSpan(start, end - start);
                    if (!BgpMessageCodec.TryReadHeader(available, context, out var header, out var headerError))
                    {
                        if (headerError is not null)
                        {
                            _events.OnDecodeError(this, headerError);
                            return;
                        }

                        break;
                    }

                    if (available.Length < header.Length)
                    {
                        break;
                    }

                    if (!BgpMessageCodec.TryDecode(available[..header.Length], context, out var message, out var error))
                    {
                        _events.OnDecodeError(this, error!);
                        return;
                    }

                    if (message is OpenMessage open)
                    {
                        // Later messages are decoded with what both OPENs announced (4-octet AS, extended messages).
                        context = BgpCodecContext.Negotiate(_localOpen, open);
                    }

                    start += header.Length;
                    _events.OnMessage(this, message, error);
                }

                if (start == end)
                {
                    start = end = 0;
                }
                else if (buffer.Length - end < BgpConstants.MaxExtendedMessageLength)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                var read = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, _abort.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                end += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            failure = ex;
        }
        finally
        {
            _events.OnClosed(this, failure);
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _writes.Reader;
        // Messages queued together leave in one send (up to CoalesceBytes) instead of one syscall and one segment each.
        var pending = new byte[CoalesceBytes];
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
            {
                var used = 0;
                while (reader.TryPeek(out var next) && (used == 0 || used + next.Length <= pending.Length))
                {
                    reader.TryRead(out var bytes);
                    if (bytes.Length > pending.Length)
                    {
                        // Larger than the buffer (a burst of UPDATEs, an extended message): sent on its own.
                        await _socket.SendAsync(bytes, SocketFlags.None, _abort.Token).ConfigureAwait(false);
                        continue;
                    }
                    bytes.Span.CopyTo(pending.AsSpan(used));
                    used += bytes.Length;
                }
                var sent = 0;
                while (sent < used)
                {
                    sent += await _socket.SendAsync(pending.AsMemory(sent, used - sent), SocketFlags.None, _abort.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The read loop reports the closed connection.
        }
        finally
        {
            _writes.Writer.TryComplete();
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Already reset by the peer.
            }

            _socket.Dispose();
            Dispose();
        }
    }
}
