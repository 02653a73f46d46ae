using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Grpc.Tests.Server;

/// <summary>
/// An in-process Kestrel h2c server on 127.0.0.1 speaking just enough gRPC to exercise the client: echo, streams,
/// trailers-only errors, calls that never answer, and stream resets.
/// </summary>
internal sealed class KestrelGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelGrpcServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>grpc-timeout header values seen by /test.Echo/Hang.</summary>
    public ConcurrentQueue<string> SeenTimeouts { get; } = new();

    /// <summary>Completes when a /test.Echo/Hang call arrived.</summary>
    public TaskCompletionSource HangStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a /test.Echo/Hang call is aborted by the client (stream reset).</summary>
    public TaskCompletionSource HangAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>h2c, or TLS when <paramref name="tls"/> is given (its intermediate is sent, a client certificate required).</summary>
    public static async Task<KestrelGrpcServer> StartAsync(TlsTestCertificates? tls = null)
    {
        // No appsettings reload: each reload watcher costs an inotify instance (128 per user by default), and running out
        // makes the builder throw.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options =>
            options.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (tls is not null)
                {
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = tls.Server,
                        ServerCertificateChain = [tls.Intermediate],
                        ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                        ClientCertificateValidation = (certificate, _, _) => certificate.Issuer == tls.Root.Subject,
                    });
                }
            }));
        var app = builder.Build();
        var server = new KestrelGrpcServer(app);
        server.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.Address = new Uri(address);
        return server;
    }

    /// <summary>Shuts down without grace: GOAWAY, then every open stream is aborted.</summary>
    public Task AbortAsync() => _app.StopAsync(new CancellationToken(canceled: true));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.MapPost("/test.Echo/Unary", async context =>
        {
            var request = await ReadMessageAsync(context.Request.Body, context.RequestAborted);
            StartGrpc(context);
            await WriteMessageAsync(context.Response, new StringValue { Value = "echo:" + request!.Value }, context.RequestAborted);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        app.MapPost("/test.Echo/WhoAmI", async context =>
        {
            await ReadMessageAsync(context.Request.Body, context.RequestAborted);
            StartGrpc(context);
            var subject = context.Connection.ClientCertificate?.Subject ?? "anonymous";
            await WriteMessageAsync(context.Response, new StringValue { Value = subject }, context.RequestAborted);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        app.MapPost("/test.Echo/ServerName", async context =>
        {
            await ReadMessageAsync(context.Request.Body, context.RequestAborted);
            StartGrpc(context);
            // The SNI the client sent in its TLS hello.
            var name = context.Features.Get<ISslStreamFeature>()?.SslStream.TargetHostName ?? "none";
            await WriteMessageAsync(context.Response, new StringValue { Value = name }, context.RequestAborted);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        app.MapPost("/test.Echo/Fail", context =>
        {
            // Trailers-only: one HEADERS frame with END_STREAM, the status in it, no body.
            StartGrpc(context);
            context.Response.Headers["grpc-status"] = "5";
            context.Response.Headers["grpc-message"] = "key%20not%20found%3A%20%E2%9C%93";
            return Task.CompletedTask;
        });
        app.MapPost("/test.Echo/Hang", async context =>
        {
            SeenTimeouts.Enqueue(context.Request.Headers["grpc-timeout"].ToString());
            StartGrpc(context);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
            HangStarted.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                HangAborted.TrySetResult();
            }
        });
        app.MapPost("/test.Echo/Reset", async context =>
        {
            await ReadMessageAsync(context.Request.Body, context.RequestAborted);
            context.Features.GetRequiredFeature<IHttpResetFeature>().Reset(errorCode: 2); // INTERNAL_ERROR
        });
        app.MapPost("/test.Echo/ResetMidStream", async context =>
        {
            // Echoes the first request, then resets the stream when the second arrives.
            StartGrpc(context);
            var first = await ReadMessageAsync(context.Request.Body, context.RequestAborted);
            await WriteMessageAsync(context.Response, new StringValue { Value = "echo:" + first!.Value }, context.RequestAborted);
            await ReadMessageAsync(context.Request.Body, context.RequestAborted);
            context.Features.GetRequiredFeature<IHttpResetFeature>().Reset(errorCode: 8); // CANCEL
        });
        app.MapPost("/test.Echo/Count", async context =>
        {
            var request = await ReadMessageAsync(context.Request.Body, context.RequestAborted);
            StartGrpc(context);
            var count = int.Parse(request!.Value, System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < count; i++)
            {
                await WriteMessageAsync(context.Response, new StringValue { Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }, context.RequestAborted);
            }
            context.Response.AppendTrailer("grpc-status", "0");
        });
        app.MapPost("/test.Echo/Duplex", async context =>
        {
            StartGrpc(context);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
            while (await ReadMessageAsync(context.Request.Body, context.RequestAborted) is { } request)
            {
                if (request.Value == "fail")
                {
                    context.Response.AppendTrailer("grpc-status", "10");
                    context.Response.AppendTrailer("grpc-message", "aborted%20on%20request");
                    return;
                }
                await WriteMessageAsync(context.Response, new StringValue { Value = "echo:" + request.Value }, context.RequestAborted);
            }
            await WriteMessageAsync(context.Response, new StringValue { Value = "client-done" }, context.RequestAborted);
            context.Response.AppendTrailer("grpc-status", "0");
        });
    }

    private static void StartGrpc(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/grpc";
        context.Response.DeclareTrailer("grpc-status");
    }

    private static async Task<StringValue?> ReadMessageAsync(Stream body, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        if (!await ReadExactlyOrEndAsync(body, header, cancellationToken))
        {
            return null;
        }
        var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1))];
        await body.ReadExactlyAsync(payload, cancellationToken);
        return StringValue.Parser.ParseFrom(payload);
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return read == buffer.Length;
    }

    private static async Task WriteMessageAsync(HttpResponse response, IMessage message, CancellationToken cancellationToken)
    {
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), payload.Length);
        payload.CopyTo(frame, 5);
        await response.Body.WriteAsync(frame, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
