using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf.WellKnownTypes;
using Mesh.Testing;

namespace Mesh.Grpc.Tests.Channel;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class GrpcChannelFakeHandlerTests
{
    private static readonly GrpcMethod<StringValue, StringValue> Echo = new("/test.Echo/Unary", StringValue.Parser);

    [Fact]
    public async Task UnaryAsync_OkResponse_ReturnsMessageAndSendsGrpcRequest()
    {
        var handler = new FakeGrpcHandler(_ => FakeGrpcHandler.Response(FakeGrpcHandler.Frames(new StringValue { Value = "pong" }), ("grpc-status", "0")));
        using var channel = Channel(handler);

        var response = await channel.UnaryAsync(Echo, new StringValue { Value = "ping" },
            new GrpcCallOptions { Timeout = TimeSpan.FromSeconds(5), Headers = [new("token", "abc")] });

        response.Value.Should().Be("pong");
        var request = handler.LastRequest!;
        request.RequestUri.Should().Be(new Uri("http://127.0.0.1:1/test.Echo/Unary"));
        request.Method.Should().Be(HttpMethod.Post);
        request.Version.Should().Be(HttpVersion.Version20);
        request.VersionPolicy.Should().Be(HttpVersionPolicy.RequestVersionExact);
        request.Headers.TE.Should().ContainSingle(t => t.Value == "trailers");
        request.Headers.GetValues("grpc-timeout").Should().Equal("5000000u");
        request.Headers.GetValues("token").Should().Equal("abc");
        request.Content!.Headers.ContentType!.MediaType.Should().Be("application/grpc");
        handler.LastRequestBody.Should().Equal(FakeGrpcHandler.Frames(new StringValue { Value = "ping" }));
    }

    [Fact]
    public async Task UnaryAsync_TrailersOnlyError_ThrowsDecodedStatus()
    {
        var handler = new FakeGrpcHandler(_ =>
        {
            var response = FakeGrpcHandler.Response([]);
            response.Headers.TryAddWithoutValidation("grpc-status", "7");
            response.Headers.TryAddWithoutValidation("grpc-message", "etcdserver:%20permission%20denied");
            return response;
        });
        using var channel = Channel(handler);

        var act = () => channel.UnaryAsync(Echo, new StringValue());

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.PermissionDenied);
        error.StatusMessage.Should().Be("etcdserver: permission denied");
        error.IsRetryable.Should().BeFalse();
    }

    [Fact]
    public async Task UnaryAsync_ErrorInTrailersAfterMessage_ThrowsStatus()
    {
        var handler = new FakeGrpcHandler(_ => FakeGrpcHandler.Response(FakeGrpcHandler.Frames(new StringValue { Value = "x" }),
            ("grpc-status", "9"), ("grpc-message", "failed%20precondition")));
        using var channel = Channel(handler);

        var act = () => channel.UnaryAsync(Echo, new StringValue());

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.FailedPrecondition);
        error.StatusMessage.Should().Be("failed precondition");
    }

    [Fact]
    public async Task UnaryAsync_NoStatusAnywhere_ThrowsInternal()
    {
        var handler = new FakeGrpcHandler(_ => FakeGrpcHandler.Response(FakeGrpcHandler.Frames(new StringValue())));
        using var channel = Channel(handler);

        var act = () => channel.UnaryAsync(Echo, new StringValue());

        (await act.Should().ThrowAsync<GrpcException>()).Which.StatusCode.Should().Be(GrpcStatusCode.Internal);
    }

    [Fact]
    public async Task UnaryAsync_OkWithoutMessage_ThrowsInternal()
    {
        var handler = new FakeGrpcHandler(_ => FakeGrpcHandler.Response([], ("grpc-status", "0")));
        using var channel = Channel(handler);

        var act = () => channel.UnaryAsync(Echo, new StringValue());

        (await act.Should().ThrowAsync<GrpcException>()).Which.StatusCode.Should().Be(GrpcStatusCode.Internal);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, GrpcStatusCode.Unavailable)]
    [InlineData(HttpStatusCode.NotFound, GrpcStatusCode.Unimplemented)]
    public async Task UnaryAsync_HttpErrorWithoutGrpcStatus_MapsHttpStatus(HttpStatusCode http, GrpcStatusCode expected)
    {
        var handler = new FakeGrpcHandler(_ => new HttpResponseMessage(http) { Content = new ByteArrayContent([]) });
        using var channel = Channel(handler);

        var act = () => channel.UnaryAsync(Echo, new StringValue());

        (await act.Should().ThrowAsync<GrpcException>()).Which.StatusCode.Should().Be(expected);
    }

    [Fact]
    public async Task UnaryAsync_WrongContentType_ThrowsInternal()
    {
        var handler = new FakeGrpcHandler(_ =>
        {
            var response = FakeGrpcHandler.Response(FakeGrpcHandler.Frames(new StringValue()), ("grpc-status", "0"));
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("text/html");
            return response;
        });
        using var channel = Channel(handler);

        var act = () => channel.UnaryAsync(Echo, new StringValue());

        (await act.Should().ThrowAsync<GrpcException>()).Which.StatusCode.Should().Be(GrpcStatusCode.Internal);
    }

    [Fact]
    public async Task UnaryAsync_ConnectionError_ThrowsRetryableUnavailable()
    {
        var handler = new FakeGrpcHandler(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "connection refused"));
        using var channel = Channel(handler);

        var act = () => channel.UnaryAsync(Echo, new StringValue());

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.Unavailable);
        error.IsRetryable.Should().BeTrue();
        error.IsTransportFailure.Should().BeTrue();
    }

    [Fact]
    public async Task ServerStreamingAsync_ThreeMessagesThenOk_YieldsAll()
    {
        var handler = new FakeGrpcHandler(_ => FakeGrpcHandler.Response(
            FakeGrpcHandler.Frames(new StringValue { Value = "a" }, new StringValue { Value = "b" }, new StringValue { Value = "c" }), ("grpc-status", "0")));
        using var channel = Channel(handler);

        var values = new List<string>();
        await foreach (var message in channel.ServerStreamingAsync(Echo, new StringValue()))
        {
            values.Add(message.Value);
        }

        values.Should().Equal("a", "b", "c");
    }

    [Fact]
    public void Constructor_FtpAddress_ThrowsWithReason()
    {
        var act = () => new GrpcChannel(new GrpcChannelOptions { Address = new Uri("ftp://127.0.0.1/"), MaxReceiveMessageSize = 0 });

        act.Should().Throw<ArgumentException>().WithMessage("*http:// or https://*max receive message size*");
    }

    private static GrpcChannel Channel(FakeGrpcHandler handler) =>
        new(new GrpcChannelOptions { Address = new Uri("http://127.0.0.1:1") }, handler);
}
