using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Mesh.Grpc.Framing;
using Mesh.Grpc.Status;

namespace Mesh.Grpc.Calls;

/// <summary>
/// One HTTP/2 request carrying a gRPC call: sends it, validates the response head, reads framed messages and the
/// final status, and turns every transport or cancellation outcome into a <see cref="GrpcException"/> (or an
/// <see cref="OperationCanceledException"/> when the caller's own token fired).
/// </summary>
internal sealed class GrpcCallCore<TResponse> : IAsyncDisposable
    where TResponse : class, IMessage<TResponse>
{
    private static readonly TransferCodingWithQualityHeaderValue Trailers = new("trailers");
    private static readonly ProductInfoHeaderValue UserAgent = new("mesh-grpc", "0.1");

    private readonly HttpRequestMessage _request;
    private readonly MessageParser<TResponse> _parser;
    private readonly int _maxMessageSize;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource? _deadline;
    private readonly CancellationTokenSource _call;
    private readonly Task<HttpResponseMessage> _send;
    private HttpResponseMessage? _response;
    private GrpcMessageReader<TResponse>? _reader;
    private bool _finished;
    private bool _disposed;

    public GrpcCallCore(
        HttpMessageInvoker invoker,
        Uri requestUri,
        HttpContent content,
        MessageParser<TResponse> parser,
        GrpcCallOptions options,
        int maxMessageSize,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        _parser = parser;
        _maxMessageSize = maxMessageSize;
        _callerToken = cancellationToken;
        _request = new HttpRequestMessage(HttpMethod.Post, requestUri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        _request.Headers.TE.Add(Trailers);
        _request.Headers.UserAgent.Add(UserAgent);
        foreach (var (name, value) in options.Headers)
        {
            _request.Headers.TryAddWithoutValidation(name, value);
        }
        if (options.Timeout is { } timeout)
        {
            _request.Headers.TryAddWithoutValidation(GrpcTimeoutHeader.Name, GrpcTimeoutHeader.Format(timeout));
            _deadline = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : TimeSpan.FromTicks(1), timeProvider);
            _call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadline.Token);
        }
        else
        {
            _call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }
        _send = invoker.SendAsync(_request, _call.Token);
    }

    /// <summary>Completes when the response head arrived or the request failed.</summary>
    public Task SendTask => _send;

    /// <summary>Cancels the whole call (the stream is reset) when it fires.</summary>
    public CancellationToken CallToken => _call.Token;

    /// <summary>The response head, once it arrived and was checked; throws the call's status on failure.</summary>
    public async Task<HttpResponseMessage> GetResponseAsync()
    {
        if (_response is not null)
        {
            return _response;
        }
        try
        {
            var response = await _send;
            _response = response;
            if (GrpcStatusReader.TryRead(response.Headers, out var code, out var message))
            {
                // Trailers-only: the status is in the only HEADERS frame, there is no body.
                _finished = true;
                if (code != GrpcStatusCode.Ok)
                {
                    throw new GrpcException(code, message);
                }
                return response;
            }
            if (response.StatusCode != HttpStatusCode.OK)
            {
                _finished = true;
                throw new GrpcException(GrpcStatusReader.FromHttpStatus(response.StatusCode), $"HTTP status {(int)response.StatusCode} without grpc-status");
            }
            if (!GrpcContent.IsGrpc(response.Content.Headers.ContentType))
            {
                _finished = true;
                throw new GrpcException(GrpcStatusCode.Internal, $"unexpected content type '{response.Content.Headers.ContentType}'");
            }
            var stream = await response.Content.ReadAsStreamAsync(_call.Token);
            _reader = new GrpcMessageReader<TResponse>(stream, _parser, _maxMessageSize);
            return response;
        }
        catch (Exception e) when (e is not GrpcException)
        {
            throw Translate(e);
        }
    }

    /// <summary>The next response message, null once the call ended with OK; throws the status otherwise.</summary>
    public async ValueTask<TResponse?> ReadAsync()
    {
        if (_finished)
        {
            return null;
        }
        var response = await GetResponseAsync();
        if (_finished)
        {
            return null;
        }
        try
        {
            var message = await _reader!.ReadAsync(_call.Token);
            if (message is not null)
            {
                return message;
            }
            _finished = true;
            if (!GrpcStatusReader.TryRead(response.TrailingHeaders, out var code, out var text))
            {
                throw new GrpcException(GrpcStatusCode.Internal, "response ended without grpc-status");
            }
            if (code != GrpcStatusCode.Ok)
            {
                throw new GrpcException(code, text);
            }
            return null;
        }
        catch (Exception e) when (e is not GrpcException)
        {
            _finished = true;
            throw Translate(e);
        }
    }

    /// <summary>Maps a failure seen by this call to what the caller gets.</summary>
    public Exception Translate(Exception e)
    {
        if (e is GrpcException)
        {
            return e;
        }
        if (_callerToken.IsCancellationRequested)
        {
            return new OperationCanceledException("the call was cancelled by the caller", e, _callerToken);
        }
        if (_deadline is { IsCancellationRequested: true })
        {
            return new GrpcException(GrpcStatusCode.DeadlineExceeded, "deadline exceeded", e);
        }
        if (_disposed)
        {
            return new GrpcException(GrpcStatusCode.Cancelled, "the call was disposed", e);
        }
        return e switch
        {
            HttpProtocolException protocol => new GrpcException(
                GrpcStatusCode.Unavailable, $"HTTP/2 stream or connection reset (error code {protocol.ErrorCode}): {protocol.Message}", e, isTransportFailure: true),
            InvalidProtocolBufferException => new GrpcException(GrpcStatusCode.Internal, e.Message, e),
            HttpRequestException or IOException or ObjectDisposedException => new GrpcException(GrpcStatusCode.Unavailable, e.Message, e, isTransportFailure: true),
            OperationCanceledException { InnerException: TimeoutException } => new GrpcException(
                GrpcStatusCode.Unavailable, $"connect timed out: {e.Message}", e, isTransportFailure: true),
            OperationCanceledException => new GrpcException(GrpcStatusCode.Cancelled, e.Message, e),
            _ => e,
        };
    }

    /// <summary>Cancels the call locally; the stream is reset and pending reads fail as Cancelled.</summary>
    public void Cancel()
    {
        if (!_disposed)
        {
            _call.Cancel();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }
        _disposed = true;
        if (!_finished)
        {
            // Resets the HTTP/2 stream of an unfinished call.
            _call.Cancel();
        }
        _response?.Dispose();
        _request.Dispose();
        _call.Dispose();
        _deadline?.Dispose();
        // The send task may still complete or fail after cancellation; observe it.
        _ = _send.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return ValueTask.CompletedTask;
    }
}
