namespace Mesh.Grpc;

/// <summary>
/// A call ended with a non-OK status: either the server said so (<c>grpc-status</c>/<c>grpc-message</c>) or the
/// transport failed (connection refused, RST_STREAM, GOAWAY, a deadline), which is mapped to a status locally.
/// </summary>
public sealed class GrpcException : Exception
{
    public GrpcException()
        : this(GrpcStatusCode.Unknown, string.Empty)
    {
    }

    public GrpcException(string message)
        : this(GrpcStatusCode.Unknown, message)
    {
    }

    public GrpcException(string message, Exception innerException)
        : this(GrpcStatusCode.Unknown, message, innerException)
    {
    }

    public GrpcException(GrpcStatusCode statusCode, string statusMessage, Exception? innerException = null, bool isTransportFailure = false)
        : base($"gRPC status {statusCode}: {statusMessage}", innerException)
    {
        StatusCode = statusCode;
        StatusMessage = statusMessage;
        IsTransportFailure = isTransportFailure;
    }

    public GrpcStatusCode StatusCode { get; }

    /// <summary>The percent-decoded <c>grpc-message</c>, or a local description of a transport failure.</summary>
    public string StatusMessage { get; }

    /// <summary>True when the failure came from the connection (not from the server's handler).</summary>
    public bool IsTransportFailure { get; }

    /// <summary>True when the same call may succeed on a retry, possibly on another endpoint.</summary>
    public bool IsRetryable => StatusCode == GrpcStatusCode.Unavailable;
}
