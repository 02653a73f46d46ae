using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;
using Mesh.KvStore.Embedded;
using Mesh.KvStore.Store;
using Mesh.Testing;

namespace Mesh.NodeAgent.Host.Tests;

/// <summary>
/// The agent end to end on the embedded kvstore and the userspace map backend: cluster A's exported backends reach
/// cluster B's maps, a restart rewrites nothing, a disconnect keeps entries and the cache TTL revokes them.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
#pragma warning disable CA1001 // Disposed in IAsyncLifetime.DisposeAsync, which xunit calls.
public sealed class NodeAgentRuntimeTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly EmbeddedBackend _backendA = new(TimeProvider.System);
    private readonly string _mapState = Directory.CreateTempSubdirectory("mesh-maps-").FullName;
    private TwoClusterMesh _mesh = null!;

    public async Task InitializeAsync()
    {
        _mesh = new TwoClusterMesh(() => KvStoreFactory.Create(_backendA));
        await _mesh.StartExporterAsync();
    }

    public async Task DisposeAsync()
    {
        await _mesh.DisposeAsync();
        await _backendA.DisposeAsync();
        Directory.Delete(_mapState, recursive: true);
    }

    [Fact]
    public async Task GlobalService_RemoteBackendsProgrammedNextToLocal()
    {
        using var maps = BpfMapStores.Userspace();
        _mesh.StartAgent(maps);

        await Eventually.UntilAsync(() => _mesh.Agent.IsReady, Patience);
        await Eventually.UntilAsync(() => TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).Count == 3, Patience);

        TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).Should().Equal("10.1.0.1:8080", "10.1.0.2:8080", "10.2.0.1:8080");
        using var backends = maps.OpenExisting(CiliumMaps.Lb4Backends.Name)!;
        backends.Dump<LbBackendKey, Lb4BackendValue>().Select(e => (e.Value.Address.ToString(), e.Value.ClusterId)).Should()
            .Contain(("10.1.0.1", (ushort)1)).And.Contain(("10.2.0.1", (ushort)2));
        using var ipcache = maps.OpenExisting(CiliumMaps.IpCache.Name)!;
        var remoteEndpoint = ipcache.Dump<IpCacheKey, IpCacheValue>().Single(e => e.Key.Prefix.ToString() == "10.1.0.1");
        remoteEndpoint.Value.Identity.Should().Be(65600u);
        remoteEndpoint.Value.TunnelEndpoint!.ToString().Should().Be("172.18.0.1");
        remoteEndpoint.Value.Flags.Should().HaveFlag(IpCacheFlags.RemoteCluster);
        var status = _mesh.Agent.Status();
        status.Remotes.Should().ContainSingle().Which.Should().Match<Sources.RemoteClusterStatus>(r => r.Ready && r.ClusterId == 1 && r.SharedServices == 1);
    }

    [Fact]
    public async Task RemoteBackendChanges_FollowLiveThenAffinityLocalFailsOver()
    {
        _mesh.WriteService("a", "10.96.0.10", "none", ("10.1.0.1", true));
        using var maps = BpfMapStores.Userspace();
        _mesh.StartAgent(maps);
        await Eventually.UntilAsync(() => TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).SequenceEqual(["10.1.0.1:8080", "10.2.0.1:8080"]), Patience);

        _mesh.WriteService("a", "10.96.0.10", "none", ("10.1.0.1", true), ("10.1.0.3", true));
        await Eventually.UntilAsync(() => TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).Count == 3, Patience);
        TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).Should().Equal("10.1.0.1:8080", "10.1.0.3:8080", "10.2.0.1:8080");

        // The live change was timed from its arrival to the service map write.
        await Eventually.UntilAsync(() => _mesh.Agent.Status().Propagation.Count >= 1, Patience);
        var metrics = Http.AgentStatusJson.Metrics(_mesh.Agent.Status());
        metrics.Should().Contain("# TYPE mesh_agent_clustermesh_propagation_seconds histogram")
            .And.MatchRegex(@"mesh_agent_clustermesh_propagation_seconds_bucket\{[^}]*le=""\+Inf""\} [1-9]");
    }

    [Fact]
    public async Task Restart_SameState_NoEntryWrittenAndMapsUnchanged()
    {
        using (var maps = BpfMapStores.Userspace(_mapState))
        {
            _mesh.StartAgent(maps);
            await Eventually.UntilAsync(() => _mesh.Agent.IsReady && TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).Count == 3, Patience);
            await _mesh.StopAgentAsync();
        }
        var before = Snapshot(_mapState);

        using var reopened = BpfMapStores.Userspace(_mapState);
        _mesh.StartAgent(reopened);
        await Eventually.UntilAsync(() => _mesh.Agent.IsReady && _mesh.Agent.Reconcilers.All(r => r.PruneCount > 0 || r.UpdateCount > 0), Patience);

        _mesh.Agent.MapCounters.Should().OnlyContain(c => c.Written == 0 && c.Deleted == 0, "an unchanged state must not touch the datapath ({0})", string.Join("; ", _mesh.Agent.MapCounters));
        _mesh.Agent.MapCounters.Sum(c => c.Skipped).Should().BeGreaterThan(0);
        await _mesh.StopAgentAsync();
        Snapshot(_mapState).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task RemoteUnreachable_EntriesKept_CacheTtlRevokesThem_ReconnectRestores()
    {
        using var maps = BpfMapStores.Userspace();
        _mesh.StartAgent(maps, cacheTtl: TimeSpan.FromSeconds(2));
        await Eventually.UntilAsync(() => TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).Count == 3, Patience);

        _backendA.SetAvailable(false);
        await Eventually.UntilAsync(() => !_mesh.Agent.Status().Remotes[0].Connected, Patience);
        TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).Should().HaveCount(3, "a disconnect alone keeps the last known state");

        await Eventually.UntilAsync(() => TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).SequenceEqual(["10.2.0.1:8080"]), Patience);

        _backendA.SetAvailable(true);
        await Eventually.UntilAsync(() => TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).Count == 3, Patience);
    }

    [Fact]
    public async Task RemoteRemoved_Drained()
    {
        using var maps = BpfMapStores.Userspace();
        _mesh.StartAgent(maps);
        await Eventually.UntilAsync(() => TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).Count == 3, Patience);

        await _mesh.Agent.RemoveRemoteAsync("a");

        await Eventually.UntilAsync(() => TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).SequenceEqual(["10.2.0.1:8080"]), Patience);
        using var ipcache = maps.OpenExisting(CiliumMaps.IpCache.Name)!;
        await Eventually.UntilAsync(() => ipcache.Dump<IpCacheKey, IpCacheValue>().All(e => !e.Value.Flags.HasFlag(IpCacheFlags.RemoteCluster)), Patience);
    }

    private static Dictionary<string, byte[]> Snapshot(string directory) =>
        Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
}
