using Google.Protobuf;
using Mesh.Grpc;

namespace Mesh.KvStore.Etcd.Protocol;

/// <summary>Full method paths of etcd's v3 gRPC services (the wire contract) with their response parsers.</summary>
internal static class EtcdMethods
{
    public static readonly GrpcMethod<RangeRequest, RangeResponse> Range = Kv<RangeRequest, RangeResponse>("Range", RangeResponse.Parser);
    public static readonly GrpcMethod<PutRequest, PutResponse> Put = Kv<PutRequest, PutResponse>("Put", PutResponse.Parser);
    public static readonly GrpcMethod<DeleteRangeRequest, DeleteRangeResponse> DeleteRange = Kv<DeleteRangeRequest, DeleteRangeResponse>("DeleteRange", DeleteRangeResponse.Parser);
    public static readonly GrpcMethod<TxnRequestWriter, TxnResponse> Txn = Kv<TxnRequestWriter, TxnResponse>("Txn", TxnResponse.Parser);

    /// <summary>The same RPC, its per-operation responses skipped (see <see cref="EtcdTxnRequest.WithoutResults"/>).</summary>
    public static readonly GrpcMethod<TxnRequestWriter, TxnResponseSummary> TxnSummary =
        Kv<TxnRequestWriter, TxnResponseSummary>("Txn", TxnResponseSummary.Parser.WithDiscardUnknownFields(true));
    public static readonly GrpcMethod<CompactionRequest, CompactionResponse> Compact = Kv<CompactionRequest, CompactionResponse>("Compact", CompactionResponse.Parser);

    public static readonly GrpcMethod<WatchRequest, WatchResponse> Watch = new("/etcdserverpb.Watch/Watch", WatchResponse.Parser);

    public static readonly GrpcMethod<LeaseGrantRequest, LeaseGrantResponse> LeaseGrant = Lease<LeaseGrantRequest, LeaseGrantResponse>("LeaseGrant", LeaseGrantResponse.Parser);
    public static readonly GrpcMethod<LeaseRevokeRequest, LeaseRevokeResponse> LeaseRevoke = Lease<LeaseRevokeRequest, LeaseRevokeResponse>("LeaseRevoke", LeaseRevokeResponse.Parser);
    public static readonly GrpcMethod<LeaseKeepAliveRequest, LeaseKeepAliveResponse> LeaseKeepAlive = Lease<LeaseKeepAliveRequest, LeaseKeepAliveResponse>("LeaseKeepAlive", LeaseKeepAliveResponse.Parser);
    public static readonly GrpcMethod<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse> LeaseTimeToLive = Lease<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse>("LeaseTimeToLive", LeaseTimeToLiveResponse.Parser);

    public static readonly GrpcMethod<AuthEnableRequest, AuthEnableResponse> AuthEnable = Auth<AuthEnableRequest, AuthEnableResponse>("AuthEnable", AuthEnableResponse.Parser);
    public static readonly GrpcMethod<AuthDisableRequest, AuthDisableResponse> AuthDisable = Auth<AuthDisableRequest, AuthDisableResponse>("AuthDisable", AuthDisableResponse.Parser);
    public static readonly GrpcMethod<AuthenticateRequest, AuthenticateResponse> Authenticate = Auth<AuthenticateRequest, AuthenticateResponse>("Authenticate", AuthenticateResponse.Parser);
    public static readonly GrpcMethod<AuthUserAddRequest, AuthUserAddResponse> UserAdd = Auth<AuthUserAddRequest, AuthUserAddResponse>("UserAdd", AuthUserAddResponse.Parser);
    public static readonly GrpcMethod<AuthUserGrantRoleRequest, AuthUserGrantRoleResponse> UserGrantRole = Auth<AuthUserGrantRoleRequest, AuthUserGrantRoleResponse>("UserGrantRole", AuthUserGrantRoleResponse.Parser);
    public static readonly GrpcMethod<AuthRoleAddRequest, AuthRoleAddResponse> RoleAdd = Auth<AuthRoleAddRequest, AuthRoleAddResponse>("RoleAdd", AuthRoleAddResponse.Parser);
    public static readonly GrpcMethod<AuthRoleGrantPermissionRequest, AuthRoleGrantPermissionResponse> RoleGrantPermission = Auth<AuthRoleGrantPermissionRequest, AuthRoleGrantPermissionResponse>("RoleGrantPermission", AuthRoleGrantPermissionResponse.Parser);

    public static readonly GrpcMethod<StatusRequest, StatusResponse> Status = new("/etcdserverpb.Maintenance/Status", StatusResponse.Parser);

    private static GrpcMethod<TRequest, TResponse> Kv<TRequest, TResponse>(string name, MessageParser<TResponse> parser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> => new($"/etcdserverpb.KV/{name}", parser);

    private static GrpcMethod<TRequest, TResponse> Lease<TRequest, TResponse>(string name, MessageParser<TResponse> parser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> => new($"/etcdserverpb.Lease/{name}", parser);

    private static GrpcMethod<TRequest, TResponse> Auth<TRequest, TResponse>(string name, MessageParser<TResponse> parser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> => new($"/etcdserverpb.Auth/{name}", parser);
}
