using Mesh.KvStore.Etcd.Client;
using Mesh.Testing;

namespace Mesh.KvStore.Etcd.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class EtcdClientRateTests
{
    [Fact]
    public async Task MarkInitialSyncDone_NewClient_SwitchesFromBootstrapQpsToQps()
    {
        await using var client = EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = ["127.0.0.1:1"], Qps = 20, BootstrapQps = 500 });
        var etcd = (EtcdClient)client;
        etcd.CurrentQps.Should().Be(500);

        client.MarkInitialSyncDone();

        etcd.CurrentQps.Should().Be(20);
    }
}
