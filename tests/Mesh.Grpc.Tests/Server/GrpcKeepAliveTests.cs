using Google.Protobuf.WellKnownTypes;
using Mesh.Testing;

namespace Mesh.Grpc.Tests.Server;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class GrpcKeepAliveTests
{
    [Fact]
    public async Task UnaryAsync_PeerNeverAcksPing_FailsUnavailableAfterPingTimeout()
    {
        await using var server = new SilentHttp2Server();
        using var channel = new GrpcChannel(new GrpcChannelOptions
        {
            Address = server.Address,
            KeepAlivePingDelay = TimeSpan.FromSeconds(1),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(1),
        });

        // No deadline: only the keep-alive can end this call.
        var act = () => channel.UnaryAsync(new GrpcMethod<StringValue, StringValue>("/test.Echo/Unary", StringValue.Parser), new StringValue())
            .WaitAsync(TimeSpan.FromSeconds(30));

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.Unavailable);
        error.IsRetryable.Should().BeTrue();
    }
}
