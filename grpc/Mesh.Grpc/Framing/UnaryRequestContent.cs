using System.Net;
using Google.Protobuf;

namespace Mesh.Grpc.Framing;

/// <summary>A request body holding exactly one framed message, serialized into a pooled buffer when sent.</summary>
internal sealed class UnaryRequestContent : HttpContent
{
    private readonly IMessage _message;
    private readonly int _size;

    public UnaryRequestContent(IMessage message)
    {
        _message = message;
        _size = message.CalculateSize();
        Headers.ContentType = GrpcContent.ContentType;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = GrpcFrame.Rent(_message, out var length);
        try
        {
            await stream.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
        }
        finally
        {
            GrpcFrame.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = GrpcFrame.HeaderSize + _size;
        return true;
    }
}
