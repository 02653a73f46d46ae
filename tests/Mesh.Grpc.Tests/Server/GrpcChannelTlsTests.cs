using System.Net;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf.WellKnownTypes;
using Mesh.Testing;

namespace Mesh.Grpc.Tests.Server;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class GrpcChannelTlsTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly GrpcMethod<StringValue, StringValue> WhoAmI = new("/test.Echo/WhoAmI", StringValue.Parser);
    private static readonly GrpcMethod<StringValue, StringValue> ServerName = new("/test.Echo/ServerName", StringValue.Parser);
    private readonly TlsTestCertificates _certificates = new();
    private KestrelGrpcServer _server = null!;

    public async Task InitializeAsync() => _server = await KestrelGrpcServer.StartAsync(_certificates);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task UnaryAsync_ClientCertificateAndPrivateRootWithIntermediate_ServerSeesClient()
    {
        using var channel = Channel(_certificates.Client, [_certificates.Root]);

        var response = await channel.UnaryAsync(WhoAmI, new StringValue()).WaitAsync(Patience);

        response.Value.Should().Be("CN=mesh-client");
    }

    [Fact]
    public async Task UnaryAsync_ServerChainNotFromTrustedRoot_ThrowsUnavailable()
    {
        using var otherRoot = TlsTestCertificates.CreateCa("other-root", issuer: null);
        using var channel = Channel(_certificates.Client, [otherRoot]);

        var act = () => channel.UnaryAsync(WhoAmI, new StringValue()).WaitAsync(Patience);

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.Unavailable);
        error.IsTransportFailure.Should().BeTrue();
    }

    [Fact]
    public async Task UnaryAsync_NoClientCertificate_ThrowsUnavailable()
    {
        using var channel = Channel(null, [_certificates.Root]);

        var act = () => channel.UnaryAsync(WhoAmI, new StringValue()).WaitAsync(Patience);

        (await act.Should().ThrowAsync<GrpcException>()).Which.StatusCode.Should().Be(GrpcStatusCode.Unavailable);
    }

    [Fact]
    public async Task UnaryAsync_HostAddresses_DialsAliasedIpsInTurnAndVerifiesAndSendsTheHostName()
    {
        // 127.0.0.2 refuses (the server listens on 127.0.0.1 only): the next address is dialed.
        using var channel = new GrpcChannel(AliasedOptions([IPAddress.Parse("127.0.0.2"), IPAddress.Loopback]));

        var response = await channel.UnaryAsync(ServerName, new StringValue()).WaitAsync(Patience);

        response.Value.Should().Be(TlsTestCertificates.AliasedServerName);
        channel.Address.Host.Should().Be(TlsTestCertificates.AliasedServerName);
    }

    [Fact]
    public async Task UnaryAsync_EveryAliasedIpRefuses_ThrowsUnavailableNamingEachAddress()
    {
        using var channel = new GrpcChannel(AliasedOptions([IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3")]));

        var act = () => channel.UnaryAsync(ServerName, new StringValue()).WaitAsync(Patience);

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.Unavailable);
        error.IsTransportFailure.Should().BeTrue();
        error.Message.Should().Contain("127.0.0.2").And.Contain("127.0.0.3").And.Contain(TlsTestCertificates.AliasedServerName);
    }

    private GrpcChannelOptions AliasedOptions(IReadOnlyList<IPAddress> addresses) => new()
    {
        Address = new Uri($"https://{TlsTestCertificates.AliasedServerName}:{_server.Address.Port}"),
        HostAddresses = new Dictionary<string, IReadOnlyList<IPAddress>> { [TlsTestCertificates.AliasedServerName] = addresses },
        ClientCertificate = _certificates.Client,
        TrustedRoots = [_certificates.Root],
    };

    private GrpcChannel Channel(X509Certificate2? client, X509Certificate2[] roots) => new(new GrpcChannelOptions
    {
        Address = new Uri(_server.Address.ToString().Replace("http://", "https://", StringComparison.Ordinal)),
        ClientCertificate = client,
        TrustedRoots = [.. roots],
    });
}
