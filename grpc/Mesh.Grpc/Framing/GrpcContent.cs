using System.Net.Http.Headers;

namespace Mesh.Grpc.Framing;

/// <summary>Media type constants of the gRPC HTTP/2 mapping.</summary>
internal static class GrpcContent
{
    public const string MediaType = "application/grpc";

    public static MediaTypeHeaderValue ContentType => new(MediaType);

    public static bool IsGrpc(MediaTypeHeaderValue? contentType) =>
        contentType?.MediaType is { } media &&
        (media.Equals(MediaType, StringComparison.OrdinalIgnoreCase) || media.StartsWith(MediaType + "+", StringComparison.OrdinalIgnoreCase));
}
