using Mesh.Grpc;
using Mesh.Testing;
using Mesh.Testing.Certificates;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using static Mesh.KvStore.Etcd.Tests.Integration.EtcdTestClients;

namespace Mesh.KvStore.Etcd.Tests.Integration;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class EtcdTlsTests
{
    [EtcdFact]
    public async Task PutAsync_TlsWithClientCertificate_WritesAndWatches()
    {
        await using var etcd = await EtcdFixture.StartAsync(new EtcdOptions { Tls = true });
        var certificate = etcd.IssueClientCertificate("mesh-client");
        await using var client = EtcdClientFactory.Create(Options(etcd, certificate));
        await using var watch = new WatchReader(client, EtcdWatchRequest.ForPrefix("tls/"));
        (await watch.NextAsync()).Created.Should().BeTrue();

        await client.PutAsync(new EtcdPutRequest("tls/k", Bytes("secure")));

        client.CurrentEndpoint.Scheme.Should().Be("https");
        (await etcd.Ctl.GetAsync("tls/k")).Should().Be("secure");
        (await watch.EventsAsync(1)).Single().Kv.Key.Should().Be("tls/k");
    }

    [EtcdFact]
    public async Task RangeAsync_TlsWithoutClientCertificate_FailsUnavailable()
    {
        await using var etcd = await EtcdFixture.StartAsync(new EtcdOptions { Tls = true });
        var options = Options(etcd) with { CertFile = null, KeyFile = null, MaxRetryAttempts = 0 };
        await using var client = EtcdClientFactory.Create(options);

        var act = () => client.RangeAsync(new EtcdRangeRequest("k"));

        (await act.Should().ThrowAsync<GrpcException>()).Which.StatusCode.Should().Be(GrpcStatusCode.Unavailable);
    }

    [EtcdFact]
    public async Task RangeAsync_ServerSignedByUntrustedCa_FailsUnavailable()
    {
        await using var etcd = await EtcdFixture.StartAsync(new EtcdOptions { Tls = true });
        using var otherCa = new TestCertificateAuthority(Path.Combine(etcd.WorkDirectory, "other-ca"), "other-ca");
        var options = Options(etcd) with { CaFile = otherCa.CertificatePath, MaxRetryAttempts = 0 };
        await using var client = EtcdClientFactory.Create(options);

        var act = () => client.RangeAsync(new EtcdRangeRequest("k"));

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.Unavailable);
        error.IsTransportFailure.Should().BeTrue();
    }
}
