using System.Buffers;
using Google.Protobuf;

namespace Mesh.Grpc.Framing;

/// <summary>Reads length-prefixed messages from a response body, with one reused header buffer and pooled payload buffers.</summary>
internal sealed class GrpcMessageReader<T>
    where T : class, IMessage<T>
{
    private readonly Stream _stream;
    private readonly MessageParser<T> _parser;
    private readonly int _maxMessageSize;
    private readonly byte[] _header = new byte[GrpcFrame.HeaderSize];

    public GrpcMessageReader(Stream stream, MessageParser<T> parser, int maxMessageSize)
    {
        _stream = stream;
        _parser = parser;
        _maxMessageSize = maxMessageSize;
    }

    /// <summary>The next message, or null at a clean end of the body (between frames).</summary>
    public async ValueTask<T?> ReadAsync(CancellationToken cancellationToken)
    {
        var read = await ReadFullyAsync(_header, cancellationToken);
        if (read == 0)
        {
            return null;
        }
        if (read < GrpcFrame.HeaderSize)
        {
            throw new GrpcException(GrpcStatusCode.Internal, "response ended inside a frame header");
        }
        if (!GrpcFrame.TryReadHeader(_header, out var compressed, out var length))
        {
            throw new GrpcException(GrpcStatusCode.Internal, $"invalid frame flag {_header[0]}");
        }
        if (compressed)
        {
            throw new GrpcException(GrpcStatusCode.Internal, "compressed message received but no compression was negotiated");
        }
        if (length > (uint)_maxMessageSize)
        {
            throw new GrpcException(GrpcStatusCode.ResourceExhausted, $"message of {length} bytes exceeds the limit of {_maxMessageSize}");
        }
        var size = (int)length;
        if (size == 0)
        {
            return _parser.ParseFrom(ReadOnlySpan<byte>.Empty);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var payload = await ReadFullyAsync(buffer.AsMemory(0, size), cancellationToken);
            if (payload < size)
            {
                throw new GrpcException(GrpcStatusCode.Internal, $"response ended inside a message ({payload} of {size} bytes)");
            }
            try
            {
                return _parser.ParseFrom(buffer.AsSpan(0, size));
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new GrpcException(GrpcStatusCode.Internal, $"cannot parse {typeof(T).Name}: {e.Message}", e);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask<int> ReadFullyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = await _stream.ReadAsync(destination[total..], cancellationToken);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }
}
