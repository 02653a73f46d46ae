using System.Net;
using System.Security.Authentication;
using Mesh.Grpc;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using static Mesh.KvStore.Etcd.Tests.Integration.EtcdTestClients;

namespace Mesh.KvStore.Etcd.Tests.Integration;

/// <summary>
/// Cilium's setup: the server certificate names <c>cluster2.mesh.cilium.io</c> only (no IP SAN); the client reaches it
/// through a host alias to 127.0.0.1. The connection goes to the IP, TLS is verified against the name.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class EtcdHostAliasTlsTests(EtcdHostAliasTlsTests.NamedTlsEtcd fixture) : IClassFixture<EtcdHostAliasTlsTests.NamedTlsEtcd>
{
    private const string ServerName = "cluster2.mesh.cilium.io";

    [EtcdFact]
    public async Task RangeAsync_HostAliasedToLoopback_ConnectsAndVerifiesTheHostName()
    {
        var key = UniquePrefix(nameof(RangeAsync_HostAliasedToLoopback_ConnectsAndVerifiesTheHostName)) + "k";
        // The witness skips verification: it dials the IP, which the certificate does not name.
        (await fixture.Etcd.Ctl.RunAsync("--insecure-skip-tls-verify", "put", key, "aliased")).EnsureSuccess();
        await using var client = EtcdClientFactory.Create(Aliased(ServerName, IPAddress.Loopback));

        var result = await client.RangeAsync(new EtcdRangeRequest(key));

        Text(result.Kvs.Should().ContainSingle().Which.Value).Should().Be("aliased");
        client.CurrentEndpoint.Host.Should().Be(ServerName);
    }

    [EtcdFact]
    public async Task RangeAsync_FirstAliasedIpRefuses_NextIpServes()
    {
        var key = UniquePrefix(nameof(RangeAsync_FirstAliasedIpRefuses_NextIpServes)) + "k";
        (await fixture.Etcd.Ctl.RunAsync("--insecure-skip-tls-verify", "put", key, "second")).EnsureSuccess();
        // etcd listens on 127.0.0.1 only: 127.0.0.2 refuses the connection.
        await using var client = EtcdClientFactory.Create(Aliased(ServerName, IPAddress.Parse("127.0.0.2"), IPAddress.Loopback) with { MaxRetryAttempts = 0 });

        var result = await client.RangeAsync(new EtcdRangeRequest(key));

        Text(result.Kvs.Should().ContainSingle().Which.Value).Should().Be("second");
    }

    [EtcdFact]
    public async Task RangeAsync_AliasedIpDialedAsEndpoint_RefusedBecauseTheCertificateDoesNotNameIt()
    {
        // What rewriting the endpoint to the aliased IP did.
        var options = Options(fixture.Etcd) with { Endpoints = [$"https://127.0.0.1:{fixture.Etcd.ClientPort}"], MaxRetryAttempts = 0 };
        await using var client = EtcdClientFactory.Create(options);

        var act = () => client.RangeAsync(new EtcdRangeRequest("k"));

        await AssertRefusedByTlsAsync(act);
    }

    [EtcdFact]
    public async Task RangeAsync_AliasForAnotherName_RefusedBecauseTheCertificateNamesCluster2()
    {
        await using var client = EtcdClientFactory.Create(Aliased("cluster3.mesh.cilium.io", IPAddress.Loopback) with { MaxRetryAttempts = 0 });

        var act = () => client.RangeAsync(new EtcdRangeRequest("k"));

        await AssertRefusedByTlsAsync(act);
    }

    private static async Task AssertRefusedByTlsAsync(Func<Task> act)
    {
        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.Unavailable);
        error.IsTransportFailure.Should().BeTrue();
        Causes(error).Should().Contain(e => e is AuthenticationException, "the TCP connection was made, the handshake refused the certificate");
    }

    private static IEnumerable<Exception> Causes(Exception error)
    {
        for (var e = error.InnerException; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private EtcdClientOptions Aliased(string host, params IPAddress[] ips) => Options(fixture.Etcd) with
    {
        Endpoints = [$"https://{host}:{fixture.Etcd.ClientPort}"],
        HostAliases = new Dictionary<string, IReadOnlyList<IPAddress>> { [host] = ips },
    };

    /// <summary>One TLS etcd whose server certificate names only <see cref="ServerName"/>.</summary>
    public sealed class NamedTlsEtcd : IAsyncLifetime
    {
        private EtcdFixture? _etcd;

        public EtcdFixture Etcd => _etcd ?? throw new InvalidOperationException(Prerequisite.MissingEtcd ?? "etcd did not start");

        public async Task InitializeAsync()
        {
            if (Prerequisite.MissingEtcd is null)
            {
                _etcd = await EtcdFixture.StartAsync(new EtcdOptions { Tls = true, ServerNames = ([ServerName], []) });
            }
        }

        public async Task DisposeAsync()
        {
            if (_etcd is not null)
            {
                await _etcd.DisposeAsync();
            }
        }
    }
}
