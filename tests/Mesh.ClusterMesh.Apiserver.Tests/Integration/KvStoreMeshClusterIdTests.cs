using Mesh.ClusterMesh.Apiserver.KvStoreMesh;
using Mesh.ClusterMesh.Config;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Embedded;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Etcd.Backend;
using Mesh.KvStore.Store;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.ClusterMesh.Apiserver.Tests.Integration;

/// <summary>
/// Two remote etcds whose clusters claim the same cluster ID, configured through a real config directory: the second
/// is refused (status names the holder, failures counted, nothing cached) until the first's file is removed, then it
/// connects and is cached.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class KvStoreMeshClusterIdTests
{
    private const uint SharedId = 7;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [EtcdFact]
    public async Task RunAsync_TwoRemotesWithOneId_SecondRefusedUntilTheFirstIsRemoved()
    {
        await using var etcd2 = await EtcdFixture.StartAsync();
        await using var etcd3 = await EtcdFixture.StartAsync();
        await RemoteClusterSeed.WriteAsync(etcd2, "cluster2", SharedId, "10.2.0.1");
        await RemoteClusterSeed.WriteAsync(etcd3, "cluster3", SharedId, "10.3.0.1");
        var directory = Directory.CreateTempSubdirectory("mesh-kvstoremesh-ids-").FullName;
        await using var localBackend = new EmbeddedBackend(TimeProvider.System);
        await using var local = KvStoreFactory.Create(localBackend);
        using var stop = new CancellationTokenSource();
        var mesh = new KvStoreMesh.KvStoreMesh(
            local,
            new KvStoreMeshOptions { LocalClusterName = "cluster1", LocalClusterId = 1, ReconnectDelay = TimeSpan.FromMilliseconds(200) },
            config =>
            {
                var backend = new EtcdKvBackend(EtcdClientFactory.Create(config.ConnectOptions()));
                return new RemoteConnection(KvStoreFactory.Create(backend), backend);
            },
            ownership: null,
            TimeProvider.System,
            NullLoggerFactory.Instance);
        var configs = new ClusterMeshConfigDirectory(directory, "cluster1", TimeProvider.System, NullLogger<ClusterMeshConfigDirectory>.Instance, TimeSpan.FromMilliseconds(200));
        var run = mesh.RunAsync(configs.WatchAsync(stop.Token), stop.Token);
        try
        {
            WriteConfig(directory, "cluster2", etcd2);
            await Eventually.UntilAsync(() => Status(mesh, "cluster2") is { Ready: true }, Patience, "cluster2 cached");

            WriteConfig(directory, "cluster3", etcd3);

            // Refused and retried: the reason names the holder, every attempt is a failure.
            await Eventually.UntilAsync(() => Status(mesh, "cluster3") is { Failures: >= 2 }, Patience, "cluster3 refused and retried");
            var refused = Status(mesh, "cluster3")!;
            refused.LastError.Should().Be("cluster ID 7 is already used by remote cluster 'cluster2'");
            refused.Should().Match<RemoteClusterStatus>(s => !s.Ready && !s.Connected && !s.ConfigRetrieved && s.LastFailure != null);
            (await CachedKeysAsync(local, "cluster3")).Should().BeEmpty("nothing of a refused remote is cached");
            (await CachedKeysAsync(local, "cluster2")).Should().Contain(CiliumKeys.CachePrefixFor(CiliumResource.Ips, "cluster2") + "/10.2.0.1");

            // The holder leaves: it is drained, the ID released, and the waiting remote gets in on its next retry.
            File.Delete(Path.Combine(directory, "cluster2"));
            await Eventually.UntilAsync(() => Status(mesh, "cluster3") is { Ready: true }, Patience, "cluster3 cached after cluster2 left");
            Status(mesh, "cluster3")!.Should().Match<RemoteClusterStatus>(s => s.Connected && s.ClusterId == SharedId && s.LastError == null);
            mesh.Statuses.Select(s => s.Name).Should().Equal("cluster3");
            (await CachedKeysAsync(local, "cluster3")).Should().Contain(CiliumKeys.CachePrefixFor(CiliumResource.Ips, "cluster3") + "/10.3.0.1");
            await Eventually.UntilAsync(async () => (await CachedKeysAsync(local, "cluster2")).Count == 0, Patience, "cluster2 drained");
        }
        finally
        {
            await stop.CancelAsync();
            await run;
            Directory.Delete(directory, recursive: true);
        }
    }

    private static RemoteClusterStatus? Status(KvStoreMesh.KvStoreMesh mesh, string name) => mesh.Statuses.FirstOrDefault(s => s.Name == name);

    private static void WriteConfig(string directory, string cluster, EtcdFixture etcd) =>
        File.WriteAllText(Path.Combine(directory, cluster), $"endpoints:\n- {etcd.ClientEndpoint}\n");

    /// <summary>Every local key about <paramref name="cluster"/>: its cached config, canaries and cache entries.</summary>
    private static async Task<List<string>> CachedKeysAsync(IKvStore local, string cluster)
    {
        var all = await local.ListPrefixAsync("cilium/", CancellationToken.None);
        return [.. all.Entries.Select(e => e.Key).Where(k => k == CiliumKeys.ClusterConfig(cluster) || k.Contains($"/{cluster}/", StringComparison.Ordinal))];
    }
}
