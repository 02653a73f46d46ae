using Google.Protobuf.WellKnownTypes;
using Mesh.Testing;

namespace Mesh.Grpc.Tests.Server;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class GrpcChannelKestrelTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private KestrelGrpcServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await KestrelGrpcServer.StartAsync();
        _channel = new GrpcChannel(new GrpcChannelOptions { Address = _server.Address });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task UnaryAsync_H2cEcho_ReturnsResponse()
    {
        var response = await _channel.UnaryAsync(Method("Unary"), new StringValue { Value = "hi" }).WaitAsync(Patience);

        response.Value.Should().Be("echo:hi");
    }

    [Fact]
    public async Task UnaryAsync_TrailersOnlyError_ThrowsNotFoundWithDecodedMessage()
    {
        var act = () => _channel.UnaryAsync(Method("Fail"), new StringValue()).WaitAsync(Patience);

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.NotFound);
        error.StatusMessage.Should().Be("key not found: ✓");
    }

    [Fact]
    public async Task UnaryAsync_ServerNeverAnswers_ThrowsDeadlineExceededAndResetsStream()
    {
        // Warm up the connection so the deadline measures the call, not the first connect.
        await _channel.UnaryAsync(Method("Unary"), new StringValue()).WaitAsync(Patience);
        var options = new GrpcCallOptions { Timeout = TimeSpan.FromSeconds(1) };

        var act = () => _channel.UnaryAsync(Method("Hang"), new StringValue(), options).WaitAsync(Patience);

        (await act.Should().ThrowAsync<GrpcException>()).Which.StatusCode.Should().Be(GrpcStatusCode.DeadlineExceeded);
        await _server.HangStarted.Task.WaitAsync(Patience);
        _server.SeenTimeouts.Should().ContainSingle().Which.Should().Be("1000000u");
        await _server.HangAborted.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task UnaryAsync_CallerCancels_ThrowsOperationCanceledAndResetsStream()
    {
        using var cancellation = new CancellationTokenSource();
        var call = _channel.UnaryAsync(Method("Hang"), new StringValue(), cancellationToken: cancellation.Token);
        await _server.HangStarted.Task.WaitAsync(Patience);

        await cancellation.CancelAsync();

        await call.Invoking(c => c.WaitAsync(Patience)).Should().ThrowAsync<OperationCanceledException>();
        await _server.HangAborted.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task UnaryAsync_StreamReset_ThrowsRetryableUnavailable()
    {
        var act = () => _channel.UnaryAsync(Method("Reset"), new StringValue()).WaitAsync(Patience);

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.Unavailable);
        error.IsRetryable.Should().BeTrue();
    }

    [Fact]
    public async Task DuplexStreaming_ServerResetsMidStream_ReadThrowsRetryableUnavailable()
    {
        await using var call = _channel.DuplexStreaming(Method("ResetMidStream"));
        await call.WriteAsync(new StringValue { Value = "a" }).WaitAsync(Patience);
        (await call.ReadAsync().AsTask().WaitAsync(Patience))!.Value.Should().Be("echo:a");
        await call.WriteAsync(new StringValue { Value = "b" }).WaitAsync(Patience);

        var act = () => call.ReadAsync().AsTask().WaitAsync(Patience);

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.Unavailable);
        error.IsRetryable.Should().BeTrue();
    }

    [Fact]
    public async Task ServerStreamingAsync_HundredMessages_YieldsAllInOrder()
    {
        var received = new List<string>();
        await foreach (var message in _channel.ServerStreamingAsync(Method("Count"), new StringValue { Value = "100" }))
        {
            received.Add(message.Value);
        }

        received.Should().Equal(Enumerable.Range(0, 100).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task DuplexStreaming_WriteWhileReading_EchoesEachThenEndsOk()
    {
        await using var call = _channel.DuplexStreaming(Method("Duplex"));

        // Each response is read before the next request is written: the request body must stay open meanwhile.
        foreach (var value in new[] { "a", "b", "c" })
        {
            await call.WriteAsync(new StringValue { Value = value }).WaitAsync(Patience);
            (await call.ReadAsync().AsTask().WaitAsync(Patience))!.Value.Should().Be("echo:" + value);
        }
        await call.CompleteRequestAsync();

        (await call.ReadAsync().AsTask().WaitAsync(Patience))!.Value.Should().Be("client-done");
        (await call.ReadAsync().AsTask().WaitAsync(Patience)).Should().BeNull();
    }

    [Fact]
    public async Task DuplexStreaming_ServerEndsWithError_ReadThrowsStatus()
    {
        await using var call = _channel.DuplexStreaming(Method("Duplex"));
        await call.WriteAsync(new StringValue { Value = "fail" }).WaitAsync(Patience);

        var act = () => call.ReadAsync().AsTask().WaitAsync(Patience);

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.Aborted);
        error.StatusMessage.Should().Be("aborted on request");
    }

    [Fact]
    public async Task DuplexStreaming_ReadCancelled_ThrowsOperationCanceled()
    {
        await using var call = _channel.DuplexStreaming(Method("Duplex"));
        await call.WriteAsync(new StringValue { Value = "x" }).WaitAsync(Patience);
        (await call.ReadAsync().AsTask().WaitAsync(Patience))!.Value.Should().Be("echo:x");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var act = () => call.ReadAsync(cancellation.Token).AsTask().WaitAsync(Patience);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task UnaryAsync_NothingListening_ThrowsRetryableUnavailable()
    {
        var port = Mesh.Testing.Etcd.FreeTcpPort.Allocate();
        using var channel = new GrpcChannel(new GrpcChannelOptions { Address = new Uri($"http://127.0.0.1:{port}") });

        var act = () => channel.UnaryAsync(Method("Unary"), new StringValue()).WaitAsync(Patience);

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.Unavailable);
        error.IsTransportFailure.Should().BeTrue();
    }

    [Fact]
    public async Task DuplexStreaming_NothingListening_WriteThrowsUnavailableInsteadOfHanging()
    {
        var port = Mesh.Testing.Etcd.FreeTcpPort.Allocate();
        using var channel = new GrpcChannel(new GrpcChannelOptions { Address = new Uri($"http://127.0.0.1:{port}") });
        await using var call = channel.DuplexStreaming(Method("Duplex"));

        var act = () => call.WriteAsync(new StringValue { Value = "x" }).WaitAsync(Patience);

        (await act.Should().ThrowAsync<GrpcException>()).Which.StatusCode.Should().Be(GrpcStatusCode.Unavailable);
    }

    [Fact]
    public async Task DuplexStreaming_TrailersOnlyRejection_SurfacesStatusOnWriteOrRead()
    {
        await using var call = _channel.DuplexStreaming(Method("Fail"));

        var act = async () =>
        {
            await call.WriteAsync(new StringValue { Value = "x" }).WaitAsync(Patience);
            await call.ReadAsync().AsTask().WaitAsync(Patience);
        };

        (await act.Should().ThrowAsync<GrpcException>()).Which.StatusCode.Should().Be(GrpcStatusCode.NotFound);
    }

    [Fact]
    public async Task DuplexStreaming_WriteAfterStreamReset_ThrowsGrpcExceptionNotTransportException()
    {
        await using var call = _channel.DuplexStreaming(Method("ResetMidStream"));
        await call.WriteAsync(new StringValue { Value = "a" }).WaitAsync(Patience);
        (await call.ReadAsync().AsTask().WaitAsync(Patience))!.Value.Should().Be("echo:a");
        await call.WriteAsync(new StringValue { Value = "b" }).WaitAsync(Patience);
        await call.Invoking(c => c.ReadAsync().AsTask().WaitAsync(Patience)).Should().ThrowAsync<GrpcException>();

        var act = () => call.WriteAsync(new StringValue { Value = "c" }).WaitAsync(Patience);

        (await act.Should().ThrowAsync<GrpcException>()).Which.StatusCode.Should().BeOneOf(GrpcStatusCode.Unavailable, GrpcStatusCode.Cancelled);
    }

    [Fact]
    public async Task UnaryAsync_ServerShutsDownMidCall_ThrowsRetryableUnavailable()
    {
        var call = _channel.UnaryAsync(Method("Hang"), new StringValue());
        await _server.HangStarted.Task.WaitAsync(Patience);

        await _server.AbortAsync();

        var error = (await call.Invoking(c => c.WaitAsync(Patience)).Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.Unavailable);
        error.IsRetryable.Should().BeTrue();
    }

    private static GrpcMethod<StringValue, StringValue> Method(string name) => new($"/test.Echo/{name}", StringValue.Parser);
}
