using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using static Mesh.KvStore.Etcd.Tests.Integration.EtcdTestClients;

namespace Mesh.KvStore.Etcd.Tests.Integration;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class EtcdProgressNotifyTests
{
    [EtcdFact]
    public async Task WatchAsync_ProgressNotify_ReceivesEmptyResponseAtCurrentRevision()
    {
        await using var etcd = await EtcdFixture.StartAsync(new EtcdOptions { ExtraArguments = ["--experimental-watch-progress-notify-interval=300ms"] });
        await using var client = Create(etcd);
        var put = await client.PutAsync(new EtcdPutRequest("progress/k", Bytes("v")));

        await using var watch = new WatchReader(client, new EtcdWatchRequest("progress/") { Prefix = true, ProgressNotify = true });
        (await watch.NextAsync()).Created.Should().BeTrue();
        var progress = await watch.NextAsync();

        progress.IsProgressNotify.Should().BeTrue();
        progress.Header.Revision.Should().BeGreaterThanOrEqualTo(put.Header.Revision);
    }
}
