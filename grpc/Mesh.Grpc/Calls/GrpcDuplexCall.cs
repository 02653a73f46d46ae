using System.Runtime.CompilerServices;
using Google.Protobuf;
using Mesh.Grpc.Framing;

namespace Mesh.Grpc.Calls;

/// <summary>
/// A bidirectional streaming call: write requests while reading responses. Writes are serialized; reading
/// cancelled through a token cancels the whole call; disposing an unfinished call resets its stream.
/// </summary>
public sealed class GrpcDuplexCall<TRequest, TResponse> : IAsyncDisposable
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly GrpcCallCore<TResponse> _core;
    private readonly DuplexRequestContent _content;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _requestCompleted;

    internal GrpcDuplexCall(GrpcCallCore<TResponse> core, DuplexRequestContent content)
    {
        _core = core;
        _content = content;
    }

    /// <summary>Sends one message on the request stream.</summary>
    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        byte[]? buffer = null;
        try
        {
            ObjectDisposedException.ThrowIf(_requestCompleted, this);
            // Only a caller token needs linking; the common case writes with the call's own token, allocation-free.
            using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _core.CallToken) : null;
            var token = linked?.Token ?? _core.CallToken;
            try
            {
                var streamTask = _content.GetStreamAsync(token);
                if (!streamTask.IsCompleted && await Task.WhenAny(streamTask, _core.SendTask) != streamTask)
                {
                    // The response head (or a failure) came before the request stream opened: a failed connection or a
                    // trailers-only status surfaces here instead of leaving the writer waiting for a stream that never comes.
                    await _core.GetResponseAsync();
                }
                var stream = await streamTask;
                buffer = GrpcFrame.Rent(message, out var length);
                await stream.WriteAsync(buffer.AsMemory(0, length), token);
                await stream.FlushAsync(token);
            }
            catch (Exception e) when (e is not GrpcException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                // The server may have answered (a trailers-only status) and reset the request stream before this
                // write: its status says more than the transport error, so it wins when there is one.
                await SurfaceResponseStatusAsync();
                // A dead connection shows up as IOException or ObjectDisposedException from the request stream.
                throw _core.Translate(e);
            }
        }
        finally
        {
            if (buffer is not null)
            {
                GrpcFrame.Return(buffer);
            }
            _writeLock.Release();
        }
    }

    /// <summary>Half-closes: no more requests, responses keep flowing.</summary>
    public async Task CompleteRequestAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            _requestCompleted = true;
            _content.Complete();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Waits for the response headers (a trailers-only error surfaces here).</summary>
    public async Task ResponseHeadersAsync() => await _core.GetResponseAsync();

    /// <summary>The next response, or null when the server ended the call with OK.</summary>
    public async ValueTask<TResponse?> ReadAsync(CancellationToken cancellationToken = default)
    {
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static state => ((GrpcDuplexCall<TRequest, TResponse>)state!).Cancel(), this)
            : default;
        try
        {
            return await _core.ReadAsync();
        }
        catch (GrpcException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    public async IAsyncEnumerable<TResponse> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken) is { } message)
        {
            yield return message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _content.Abort(new OperationCanceledException("call disposed"));
        await _core.DisposeAsync();
        _content.Dispose();
        _writeLock.Dispose();
    }

    private void Cancel() => _core.Cancel();

    /// <summary>Throws the call's status if the response head has arrived (or arrives as the stream ends) with one.</summary>
    private async Task SurfaceResponseStatusAsync()
    {
        try
        {
            // The reset that failed the write also ends the send; the cap only guards against a stuck transport.
            await _core.SendTask.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return;
        }
        await _core.GetResponseAsync();
    }
}
