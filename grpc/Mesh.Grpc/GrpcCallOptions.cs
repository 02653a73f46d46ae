namespace Mesh.Grpc;

/// <summary>Per-call settings: metadata headers and a deadline (sent as grpc-timeout and enforced locally).</summary>
public sealed record GrpcCallOptions
{
    public static readonly GrpcCallOptions Default = new();

    /// <summary>Request metadata (lower-case ASCII names, e.g. etcd's <c>token</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Time allowed for the whole call; null means no deadline.</summary>
    public TimeSpan? Timeout { get; init; }
}
