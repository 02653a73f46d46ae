using System.Text;
using System.Text.Json.Nodes;
using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;
using Mesh.ClusterMesh.Config;
using Mesh.Kubernetes.Manifests;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Cilium.Values;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Etcd.Backend;
using Mesh.KvStore.Store;
using Mesh.NodeAgent.Host.Http;
using Mesh.NodeAgent.Host.Sources;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.NodeAgent.Host.Tests;

/// <summary>
/// The agent following a real config directory with two remote etcds whose clusters claim the same cluster ID: the
/// second is refused (its status names the holder, failures counted, nothing merged into the maps) until the first's
/// file is removed; then it connects and its entries reach the maps.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class RemoteClusterIdTests
{
    private const uint SharedId = 7;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [EtcdFact]
    public async Task FollowConfig_TwoRemotesWithOneId_SecondRefusedUntilTheFirstIsRemoved()
    {
        await using var etcd2 = await EtcdFixture.StartAsync();
        await using var etcd3 = await EtcdFixture.StartAsync();
        await SeedAsync(etcd2, "cluster2", "10.2.0.1");
        await SeedAsync(etcd3, "cluster3", "10.3.0.1");
        var root = Directory.CreateTempSubdirectory("mesh-agent-ids-").FullName;
        var configDirectory = Directory.CreateDirectory(Path.Combine(root, "clustermesh")).FullName;
        var manifests = Directory.CreateDirectory(Path.Combine(root, "manifests")).FullName;
        using var maps = BpfMapStores.Userspace();
        using var stop = new CancellationTokenSource();
        await using var agent = new NodeAgentRuntime(
            new NodeAgentOptions { NodeName = "cluster1-node1", ClusterName = "cluster1", ClusterId = 1, ClusterMeshHealthCheckInterval = TimeSpan.FromMilliseconds(500) },
            new ManifestDirectorySource(manifests, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance),
            maps,
            TimeProvider.System,
            NullLoggerFactory.Instance);
        var configs = new ClusterMeshConfigDirectory(configDirectory, "cluster1", TimeProvider.System, NullLogger<ClusterMeshConfigDirectory>.Instance, TimeSpan.FromMilliseconds(200));
        WriteConfig(configDirectory, "cluster2", etcd2);
        var run = agent.RunAsync(stop.Token);
        var follow = AgentHost.FollowConfigAsync(agent, configs, NullLoggerFactory.Instance, TimeProvider.System, stop.Token);
        try
        {
            await Eventually.UntilAsync(() => Remote(agent, "cluster2") is { Ready: true } && IpCacheHas(maps, "10.2.0.1"), Patience, "cluster2 merged");

            WriteConfig(configDirectory, "cluster3", etcd3);

            // Refused and retried: the reason names the holder, every attempt is a failure.
            await Eventually.UntilAsync(() => Remote(agent, "cluster3") is { Failures: >= 2 }, Patience, "cluster3 refused and retried");
            var refused = Remote(agent, "cluster3")!;
            refused.LastError.Should().Be("cluster ID 7 is already used by remote cluster 'cluster2'");
            refused.Should().Match<RemoteClusterStatus>(r => !r.Ready && !r.Connected && !r.ConfigRetrieved && r.Endpoints == 0 && r.LastFailure != null);
            var document = AgentStatusJson.Render(agent.Status());
            StatusText(document, "cluster3").Should().Be("cluster ID 7 is already used by remote cluster 'cluster2'");
            IpCacheHas(maps, "10.3.0.1").Should().BeFalse("nothing of a refused remote is merged");
            agent.Tables.IpCache.Snapshot().All().Should().NotContain(r => r.Entry.Prefix.BaseAddress.ToString() == "10.3.0.1");

            // The holder leaves: it is drained, the ID released, and the waiting remote gets in on its next retry.
            File.Delete(Path.Combine(configDirectory, "cluster2"));
            await Eventually.UntilAsync(() => Remote(agent, "cluster3") is { Ready: true } && IpCacheHas(maps, "10.3.0.1"), Patience, "cluster3 merged after cluster2 left");
            Remote(agent, "cluster3")!.Should().Match<RemoteClusterStatus>(r => r.Connected && r.ClusterId == SharedId && r.LastError == null && r.Endpoints == 1);
            agent.Status().Remotes.Select(r => r.Name).Should().Equal("cluster3");
            await Eventually.UntilAsync(() => !IpCacheHas(maps, "10.2.0.1"), Patience, "cluster2 drained from the maps");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(run, follow).ContinueWith(_ => { }, TaskScheduler.Default);
            Directory.Delete(root, recursive: true);
        }
    }

    [EtcdFact]
    public async Task FollowConfig_RemoteFileRepointedToAnotherEtcd_WhatOnlyTheOldOneHadIsSwept()
    {
        await using var before = await EtcdFixture.StartAsync();
        await using var after = await EtcdFixture.StartAsync();
        await SeedAsync(before, "cluster2", "10.2.0.1");
        await SeedAsync(before, "cluster2", "10.2.0.2");
        await SeedAsync(after, "cluster2", "10.2.0.2");
        await SeedAsync(after, "cluster2", "10.2.0.3");
        var root = Directory.CreateTempSubdirectory("mesh-agent-repoint-").FullName;
        var configDirectory = Directory.CreateDirectory(Path.Combine(root, "clustermesh")).FullName;
        var manifests = Directory.CreateDirectory(Path.Combine(root, "manifests")).FullName;
        using var maps = BpfMapStores.Userspace();
        using var stop = new CancellationTokenSource();
        await using var agent = new NodeAgentRuntime(
            new NodeAgentOptions { NodeName = "cluster1-node1", ClusterName = "cluster1", ClusterId = 1, ClusterMeshHealthCheckInterval = TimeSpan.FromMilliseconds(500) },
            new ManifestDirectorySource(manifests, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance),
            maps,
            TimeProvider.System,
            NullLoggerFactory.Instance);
        var configs = new ClusterMeshConfigDirectory(configDirectory, "cluster1", TimeProvider.System, NullLogger<ClusterMeshConfigDirectory>.Instance, TimeSpan.FromMilliseconds(200));
        WriteConfig(configDirectory, "cluster2", before);
        var run = agent.RunAsync(stop.Token);
        var follow = AgentHost.FollowConfigAsync(agent, configs, NullLoggerFactory.Instance, TimeProvider.System, stop.Token);
        try
        {
            await Eventually.UntilAsync(() => Remote(agent, "cluster2") is { Ready: true } && IpCacheHas(maps, "10.2.0.1") && IpCacheHas(maps, "10.2.0.2"), Patience, "cluster2 merged from the first etcd");

            // The same remote, now served by another etcd (a migration, a restored backup): its first relist sweeps
            // what only the old etcd had, keeps what both have, and adds the new.
            WriteConfig(configDirectory, "cluster2", after);
            await Eventually.UntilAsync(() => IpCacheHas(maps, "10.2.0.3") && !IpCacheHas(maps, "10.2.0.1"), Patience, "cluster2 relisted from the second etcd");
            IpCacheHas(maps, "10.2.0.2").Should().BeTrue();
            agent.Tables.IpCache.Snapshot().All().Select(r => r.Entry.Prefix.BaseAddress.ToString()).Should().NotContain("10.2.0.1");
            Remote(agent, "cluster2")!.Should().Match<RemoteClusterStatus>(r => r.Ready && r.Endpoints == 2);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(run, follow).ContinueWith(_ => { }, TaskScheduler.Default);
            Directory.Delete(root, recursive: true);
        }
    }

    private static RemoteClusterStatus? Remote(NodeAgentRuntime agent, string name) => agent.Status().Remotes.FirstOrDefault(r => r.Name == name);

    private static string? StatusText(JsonObject document, string cluster) =>
        document["clusters"]!.AsArray().OfType<JsonObject>().FirstOrDefault(c => (string?)c["name"] == cluster)?["status"]?.GetValue<string>();

    private static bool IpCacheHas(IBpfMapStore maps, string ip)
    {
        using var ipcache = maps.OpenExisting(CiliumMaps.IpCache.Name);
        return ipcache is not null && ipcache.Dump<IpCacheKey, IpCacheValue>().Any(e => e.Key.Prefix.ToString() == ip);
    }

    private static void WriteConfig(string directory, string cluster, EtcdFixture etcd) =>
        File.WriteAllText(Path.Combine(directory, cluster), $"endpoints:\n- {etcd.ClientEndpoint}\n");

    /// <summary>What the remote's apiserver writes: its cluster config (the shared ID), one IP entry, every canary.</summary>
    private static async Task SeedAsync(EtcdFixture etcd, string cluster, string ip)
    {
        await using var backend = new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = etcd.ClientEndpoints }));
        await using var remote = KvStoreFactory.Create(backend);
        await remote.UpdateAsync(CiliumKeys.ClusterConfig(cluster), CiliumClusterConfigCodec.Encode(new CiliumClusterConfig(SharedId, new ClusterCapabilities { SyncedCanaries = true })), withLease: false, CancellationToken.None);
        await remote.UpdateAsync(CiliumKeys.Ip(ip), Encoding.UTF8.GetBytes($$"""{"IP":"{{ip}}","ID":{{(SharedId << 16) + 100}}}"""), withLease: false, CancellationToken.None);
        foreach (var resource in Enum.GetValues<CiliumResource>())
        {
            await remote.UpdateAsync(CiliumKeys.SyncCanary(cluster, CiliumKeys.CanarySuffix(resource, cached: false)), KvTimestamp.Encode(DateTimeOffset.UnixEpoch), withLease: false, CancellationToken.None);
        }
    }
}
