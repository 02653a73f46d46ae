using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Mesh.Grpc.Status;

/// <summary>Reads <c>grpc-status</c>/<c>grpc-message</c> and maps HTTP-level outcomes to gRPC status codes.</summary>
internal static class GrpcStatusReader
{
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";

    /// <summary>Finds the status in trailers (or in the headers of a trailers-only response).</summary>
    public static bool TryRead(HttpHeaders headers, out GrpcStatusCode code, out string message)
    {
        code = GrpcStatusCode.Unknown;
        message = string.Empty;
        if (!headers.TryGetValues(StatusHeader, out var statusValues))
        {
            return false;
        }
        var raw = statusValues.FirstOrDefault();
        code = ParseCode(raw);
        if (headers.TryGetValues(MessageHeader, out var messageValues) && messageValues.FirstOrDefault() is { } encoded)
        {
            message = PercentEncoding.Decode(encoded);
        }
        else if (code == GrpcStatusCode.Unknown && raw is not null && !int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            message = $"malformed grpc-status '{raw}'";
        }
        return true;
    }

    public static GrpcStatusCode ParseCode(string? raw) =>
        int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 16
            ? (GrpcStatusCode)value
            : GrpcStatusCode.Unknown;

    /// <summary>The gRPC mapping of an HTTP status when the response carries no grpc-status (doc/http-grpc-status-mapping.md).</summary>
    public static GrpcStatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => GrpcStatusCode.Internal,
        HttpStatusCode.Unauthorized => GrpcStatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => GrpcStatusCode.PermissionDenied,
        HttpStatusCode.NotFound => GrpcStatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
            => GrpcStatusCode.Unavailable,
        _ => GrpcStatusCode.Unknown,
    };
}
