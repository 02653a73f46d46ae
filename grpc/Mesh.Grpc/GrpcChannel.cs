using System.Collections.Concurrent;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Mesh.Grpc.Calls;
using Mesh.Grpc.Connection;
using Mesh.Grpc.Framing;

namespace Mesh.Grpc;

/// <summary>
/// A gRPC client connection to one address over HTTP/2 (h2c with prior knowledge, or TLS). Calls are multiplexed on
/// pooled HTTP/2 connections kept alive with PING frames. Thread-safe; dispose once.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";
    private readonly HttpMessageInvoker _invoker;
    private readonly GrpcChannelOptions _options;
    private readonly ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);

    public GrpcChannel(GrpcChannelOptions options)
        : this(options, CreateHandler(Validated(options)))
    {
    }

    /// <summary>Uses <paramref name="handler"/> as the transport (tests pass a fake); the channel disposes it.</summary>
    public GrpcChannel(GrpcChannelOptions options, HttpMessageHandler handler)
    {
        _options = Validated(options);
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public Uri Address => _options.Address;

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, TRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        await using var call = Start(method, new UnaryRequestContent(request), options, cancellationToken);
        var response = await call.ReadAsync()
            ?? throw new GrpcException(GrpcStatusCode.Internal, $"{method.FullName} ended with OK but without a response message");
        if (await call.ReadAsync() is not null)
        {
            throw new GrpcException(GrpcStatusCode.Internal, $"{method.FullName} sent more than one response message");
        }
        return response;
    }

    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method,
        TRequest request,
        GrpcCallOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        await using var call = Start(method, new UnaryRequestContent(request), options, cancellationToken);
        while (await call.ReadAsync() is { } response)
        {
            yield return response;
        }
    }

    /// <summary>Starts a bidirectional call; the request stream opens immediately, the response is read lazily.</summary>
    public GrpcDuplexCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, GrpcCallOptions? options = null, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        var content = new DuplexRequestContent();
        return new GrpcDuplexCall<TRequest, TResponse>(Start(method, content, options, cancellationToken), content);
    }

    public void Dispose() => _invoker.Dispose();

    private GrpcCallCore<TResponse> Start<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, HttpContent content, GrpcCallOptions? options, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(_invoker, _methodUris.GetOrAdd(method.FullName, static (name, address) => new Uri(address, name), _options.Address), content, method.ResponseParser, options ?? GrpcCallOptions.Default,
            _options.MaxReceiveMessageSize, _options.TimeProvider, cancellationToken);

    private static GrpcChannelOptions Validated(GrpcChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"invalid gRPC channel options: {string.Join("; ", errors)}", nameof(options));
        }
        return options;
    }

    /// <summary>The handler behind <see cref="GrpcChannel(GrpcChannelOptions)"/>.</summary>
    internal static SocketsHttpHandler CreateHandler(GrpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
        };
        if (options.HostAddresses is { Count: > 0 } hosts)
        {
            var connector = new StaticHostConnector(hosts, options.ConnectTimeout);
            handler.ConnectCallback = connector.ConnectAsync;
            // The handler's timeout spans the whole dial plus the TLS handshake: one connect timeout per address, and one
            // more for the handshake.
            if (options.ConnectTimeout != Timeout.InfiniteTimeSpan)
            {
                handler.ConnectTimeout = options.ConnectTimeout * (connector.MaxAttempts + 1);
            }
        }
        if (options.ClientCertificate is { } certificate)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }
        if (options.TrustedRoots is { } roots)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, serverCertificate, presented, errors) =>
                ValidateAgainst(roots, serverCertificate, presented, errors);
        }
        return handler;
    }

    /// <summary>
    /// Trusts exactly <paramref name="roots"/>: the server's chain (with the intermediates it presented) must end in one
    /// of them, be valid for server authentication, and name the host we dialed.
    /// </summary>
    private static bool ValidateAgainst(X509Certificate2Collection roots, X509Certificate? serverCertificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (serverCertificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthenticationOid));
        if (presented is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        using var certificate = new X509Certificate2(serverCertificate);
        return chain.Build(certificate);
    }
}
