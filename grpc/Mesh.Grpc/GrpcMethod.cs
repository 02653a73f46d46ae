using Google.Protobuf;

namespace Mesh.Grpc;

/// <summary>One RPC: its full path (<c>/package.Service/Method</c>) and the parser of its responses.</summary>
public sealed record GrpcMethod<TRequest, TResponse>(string FullName, MessageParser<TResponse> ResponseParser)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>;
