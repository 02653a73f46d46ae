using Mesh.Grpc;

namespace Mesh.KvStore.Etcd;

/// <summary>Recognizes etcd's well-known errors (status code and etcdserver message) on a <see cref="GrpcException"/>.</summary>
public static class EtcdErrors
{
    public static bool IsCompacted(GrpcException error) =>
        Is(error, GrpcStatusCode.OutOfRange, "required revision has been compacted");

    public static bool IsFutureRevision(GrpcException error) =>
        Is(error, GrpcStatusCode.OutOfRange, "required revision is a future revision");

    public static bool IsLeaseNotFound(GrpcException error) =>
        Is(error, GrpcStatusCode.NotFound, "requested lease not found");

    public static bool IsPermissionDenied(GrpcException error) =>
        error?.StatusCode == GrpcStatusCode.PermissionDenied;

    public static bool IsInvalidAuthToken(GrpcException error) =>
        Is(error, GrpcStatusCode.Unauthenticated, "invalid auth token");

    public static bool IsAuthNotEnabled(GrpcException error) =>
        Is(error, GrpcStatusCode.FailedPrecondition, "authentication is not enabled");

    private static bool Is(GrpcException error, GrpcStatusCode code, string text)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.StatusCode == code && error.StatusMessage.Contains(text, StringComparison.Ordinal);
    }
}
