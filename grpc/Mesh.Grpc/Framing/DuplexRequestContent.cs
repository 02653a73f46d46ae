using System.Net;

namespace Mesh.Grpc.Framing;

/// <summary>
/// A request body that stays open: the HTTP/2 stream is handed out as soon as the handler starts sending, so the
/// caller can write frames while it reads the response; completing it sends END_STREAM.
/// </summary>
internal sealed class DuplexRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DuplexRequestContent() => Headers.ContentType = GrpcContent.ContentType;

    public Task<Stream> GetStreamAsync(CancellationToken cancellationToken) => _stream.Task.WaitAsync(cancellationToken);

    /// <summary>Ends the request body normally (END_STREAM).</summary>
    public void Complete() => _completed.TrySetResult();

    /// <summary>Fails the body (the handler resets the stream) and any writer waiting for it.</summary>
    public void Abort(Exception reason)
    {
        _stream.TrySetException(reason);
        _completed.TrySetException(reason);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        await _completed.Task.WaitAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Abort(new ObjectDisposedException(nameof(DuplexRequestContent)));
        }
        base.Dispose(disposing);
    }
}
