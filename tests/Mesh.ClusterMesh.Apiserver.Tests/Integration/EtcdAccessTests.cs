using System.Text;
using Mesh.ClusterMesh.Apiserver.EtcdInit;
using Mesh.Grpc;
using Mesh.KvStore.Etcd;
using Mesh.Testing;
using Mesh.Testing.Certificates;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.ClusterMesh.Apiserver.Tests.Integration;

/// <summary>Cilium's etcd users on a real etcd with client-certificate auth: etcd itself enforces who may read and write.</summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class EtcdAccessTests
{
    [Fact]
    [Trait(TestCategory.Name, TestCategory.Unit)]
    public void Plan_Cluster1WithPeers_HasCiliumUsersAndReadOnlyGrants()
    {
        var plan = EtcdAccessPlan.For("cluster1", ["cluster2", "cluster1"]);

        plan.Users.Should().Equal(("root", "root"), ("admin-cluster1", "root"), ("local-cluster1", "local"), ("remote", "remote"), ("remote-cluster2", "remote"));
        plan.ReadGrants.Should().Contain(("remote", "cilium/state/", "cilium/state0"))
            .And.Contain(("remote", "cilium/cluster-config/cluster1", null))
            .And.Contain(("remote", "cilium/synced/cluster1/", "cilium/synced/cluster10"))
            .And.Contain(("local", "cilium/cache/", "cilium/cache0"));
    }

    [EtcdFact]
    public async Task Apply_ClientCertAuth_RemoteReadsStateButEtcdRefusesItsWrites()
    {
        await using var etcd = await EtcdFixture.StartAsync(new EtcdOptions { Tls = true });
        await using (var root = Client(etcd, etcd.RootClientCertificate!))
        {
            await root.PutAsync(new EtcdPutRequest("cilium/state/nodes/v1/cluster1/n1", Encoding.UTF8.GetBytes("{}")));
            await root.PutAsync(new EtcdPutRequest("cilium/cache/nodes/v1/cluster2/n1", Encoding.UTF8.GetBytes("{}")));
            await new EtcdAccessInitializer(root, NullLogger<EtcdAccessInitializer>.Instance).ApplyAsync(EtcdAccessPlan.For("cluster1", ["cluster2"]), CancellationToken.None);
        }

        await using var remote = Client(etcd, etcd.IssueClientCertificate("remote-cluster2"));
        (await remote.RangeAsync(new EtcdRangeRequest("cilium/state/nodes/v1/cluster1/n1"))).Kvs.Should().ContainSingle();
        var write = () => remote.PutAsync(new EtcdPutRequest("cilium/state/nodes/v1/cluster1/evil", Encoding.UTF8.GetBytes("{}")));
        var cache = () => remote.RangeAsync(new EtcdRangeRequest("cilium/cache/nodes/v1/cluster2/n1"));
        EtcdErrors.IsPermissionDenied((await write.Should().ThrowAsync<GrpcException>()).Which).Should().BeTrue();
        EtcdErrors.IsPermissionDenied((await cache.Should().ThrowAsync<GrpcException>()).Which).Should().BeTrue();

        await using var local = Client(etcd, etcd.IssueClientCertificate("local-cluster1"));
        (await local.RangeAsync(new EtcdRangeRequest("cilium/cache/nodes/v1/cluster2/n1"))).Kvs.Should().ContainSingle();
        var localState = () => local.RangeAsync(new EtcdRangeRequest("cilium/state/nodes/v1/cluster1/n1"));
        EtcdErrors.IsPermissionDenied((await localState.Should().ThrowAsync<GrpcException>()).Which).Should().BeTrue();

        await using var admin = Client(etcd, etcd.IssueClientCertificate("admin-cluster1"));
        await admin.PutAsync(new EtcdPutRequest("cilium/state/nodes/v1/cluster1/n2", Encoding.UTF8.GetBytes("{}")));
        (await etcd.Ctl.GetAsync("cilium/state/nodes/v1/cluster1/n2")).Should().Be("{}");
    }

    private static IEtcdClient Client(EtcdFixture etcd, CertificateFiles certificate) => EtcdClientFactory.Create(new EtcdClientOptions
    {
        Endpoints = etcd.ClientEndpoints,
        CaFile = certificate.CaPath,
        CertFile = certificate.CertificatePath,
        KeyFile = certificate.KeyPath,
    });
}
