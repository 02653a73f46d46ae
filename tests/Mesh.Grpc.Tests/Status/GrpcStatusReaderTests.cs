using System.Net;
using Mesh.Grpc.Status;
using Mesh.Testing;

namespace Mesh.Grpc.Tests.Status;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class GrpcStatusReaderTests
{
    [Theory]
    [InlineData(HttpStatusCode.BadRequest, GrpcStatusCode.Internal)]
    [InlineData(HttpStatusCode.Unauthorized, GrpcStatusCode.Unauthenticated)]
    [InlineData(HttpStatusCode.Forbidden, GrpcStatusCode.PermissionDenied)]
    [InlineData(HttpStatusCode.NotFound, GrpcStatusCode.Unimplemented)]
    [InlineData(HttpStatusCode.TooManyRequests, GrpcStatusCode.Unavailable)]
    [InlineData(HttpStatusCode.BadGateway, GrpcStatusCode.Unavailable)]
    [InlineData(HttpStatusCode.ServiceUnavailable, GrpcStatusCode.Unavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout, GrpcStatusCode.Unavailable)]
    [InlineData(HttpStatusCode.InternalServerError, GrpcStatusCode.Unknown)]
    public void FromHttpStatus_Status_MapsPerGrpcSpec(HttpStatusCode http, GrpcStatusCode expected) =>
        GrpcStatusReader.FromHttpStatus(http).Should().Be(expected);

    [Theory]
    [InlineData("0", GrpcStatusCode.Ok)]
    [InlineData("7", GrpcStatusCode.PermissionDenied)]
    [InlineData("16", GrpcStatusCode.Unauthenticated)]
    [InlineData("17", GrpcStatusCode.Unknown)]
    [InlineData("-1", GrpcStatusCode.Unknown)]
    [InlineData("abc", GrpcStatusCode.Unknown)]
    public void ParseCode_Value_MapsToEnum(string raw, GrpcStatusCode expected) =>
        GrpcStatusReader.ParseCode(raw).Should().Be(expected);

    [Fact]
    public void TryRead_StatusAndEncodedMessage_DecodesBoth()
    {
        using var response = new HttpResponseMessage();
        response.TrailingHeaders.TryAddWithoutValidation("grpc-status", "9");
        response.TrailingHeaders.TryAddWithoutValidation("grpc-message", "etcdserver:%20requested%20lease%20not%20found");

        GrpcStatusReader.TryRead(response.TrailingHeaders, out var code, out var message).Should().BeTrue();

        code.Should().Be(GrpcStatusCode.FailedPrecondition);
        message.Should().Be("etcdserver: requested lease not found");
    }

    [Fact]
    public void TryRead_NoStatusHeader_ReturnsFalse()
    {
        using var response = new HttpResponseMessage();

        GrpcStatusReader.TryRead(response.Headers, out _, out _).Should().BeFalse();
    }
}
