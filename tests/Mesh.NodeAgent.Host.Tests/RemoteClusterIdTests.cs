using System.Text.Json.Nodes;
using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;
using Mesh.ClusterMesh.Config;
using Mesh.Kubernetes.Manifests;
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
        await RemoteClusterSeed.WriteAsync(etcd2, "cluster2", SharedId, "10.2.0.1");
        await RemoteClusterSeed.WriteAsync(etcd3, "cluster3", SharedId, "10.3.0.1");
        await using var fixture = new ConfigFollowingAgent();
        var (agent, maps, configDirectory) = (fixture.Agent, fixture.Maps, fixture.ConfigDirectory);
        WriteConfig(configDirectory, "cluster2", etcd2);
        fixture.Start();
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

    [EtcdFact]
    public async Task FollowConfig_RemoteFileRepointedToAnotherEtcd_WhatOnlyTheOldOneHadIsSwept()
    {
        await using var before = await EtcdFixture.StartAsync();
        await using var after = await EtcdFixture.StartAsync();
        await RemoteClusterSeed.WriteAsync(before, "cluster2", SharedId, "10.2.0.1", "10.2.0.2");
        await RemoteClusterSeed.WriteAsync(after, "cluster2", SharedId, "10.2.0.2", "10.2.0.3");
        await using var fixture = new ConfigFollowingAgent();
        var (agent, maps, configDirectory) = (fixture.Agent, fixture.Maps, fixture.ConfigDirectory);
        WriteConfig(configDirectory, "cluster2", before);
        fixture.Start();
        await Eventually.UntilAsync(() => Remote(agent, "cluster2") is { Ready: true } && IpCacheHas(maps, "10.2.0.1") && IpCacheHas(maps, "10.2.0.2"), Patience, "cluster2 merged from the first etcd");

        // The same remote, now served by another etcd (a migration, a restored backup): its first relist sweeps
        // what only the old etcd had, keeps what both have, and adds the new.
        WriteConfig(configDirectory, "cluster2", after);
        await Eventually.UntilAsync(() => IpCacheHas(maps, "10.2.0.3") && !IpCacheHas(maps, "10.2.0.1"), Patience, "cluster2 relisted from the second etcd");
        IpCacheHas(maps, "10.2.0.2").Should().BeTrue();
        agent.Tables.IpCache.Snapshot().All().Select(r => r.Entry.Prefix.BaseAddress.ToString()).Should().NotContain("10.2.0.1");
        Remote(agent, "cluster2")!.Should().Match<RemoteClusterStatus>(r => r.Ready && r.Endpoints == 2);
    }

    /// <summary>An agent of cluster1 (userspace maps, no local objects) following a real clustermesh config directory.</summary>
    private sealed class ConfigFollowingAgent : IAsyncDisposable
    {
        private readonly string _root = Directory.CreateTempSubdirectory("mesh-agent-remotes-").FullName;
        private readonly CancellationTokenSource _stop = new();
        private Task _running = Task.CompletedTask;

        public ConfigFollowingAgent()
        {
            ConfigDirectory = Directory.CreateDirectory(Path.Combine(_root, "clustermesh")).FullName;
            var manifests = Directory.CreateDirectory(Path.Combine(_root, "manifests")).FullName;
            Agent = new NodeAgentRuntime(
                new NodeAgentOptions { NodeName = "cluster1-node1", ClusterName = "cluster1", ClusterId = 1, ClusterMeshHealthCheckInterval = TimeSpan.FromMilliseconds(500) },
                new ManifestDirectorySource(manifests, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance),
                Maps,
                TimeProvider.System,
                NullLoggerFactory.Instance);
        }

        public string ConfigDirectory { get; }

        public IBpfMapStore Maps { get; } = BpfMapStores.Userspace();

        public NodeAgentRuntime Agent { get; }

        public void Start()
        {
            var configs = new ClusterMeshConfigDirectory(ConfigDirectory, "cluster1", TimeProvider.System, NullLogger<ClusterMeshConfigDirectory>.Instance, TimeSpan.FromMilliseconds(200));
            _running = Task.WhenAll(
                Agent.RunAsync(_stop.Token),
                AgentHost.FollowConfigAsync(Agent, configs, NullLoggerFactory.Instance, TimeProvider.System, _stop.Token));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running.ContinueWith(_ => { }, TaskScheduler.Default);
            await Agent.DisposeAsync();
            Maps.Dispose();
            _stop.Dispose();
            Directory.Delete(_root, recursive: true);
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
}
