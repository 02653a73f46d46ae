using Mesh.Grpc;

namespace Mesh.KvStore.Etcd.Client;

/// <summary>Call options carrying the current auth token: one with the per-attempt deadline, one for long-lived streams.</summary>
internal sealed record EtcdCallCredentials(GrpcCallOptions Unary, GrpcCallOptions Stream)
{
    public const string TokenHeader = "token";

    public static EtcdCallCredentials Create(string? token, TimeSpan requestTimeout)
    {
        IReadOnlyList<KeyValuePair<string, string>> headers = token is null ? [] : [new(TokenHeader, token)];
        return new EtcdCallCredentials(
            new GrpcCallOptions { Headers = headers, Timeout = requestTimeout },
            new GrpcCallOptions { Headers = headers });
    }
}
