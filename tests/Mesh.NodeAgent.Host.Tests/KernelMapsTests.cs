using System.Globalization;
using System.Text.Json;
using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Etcd.Backend;
using Mesh.KvStore.Store;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using Mesh.Testing.Processes;

namespace Mesh.NodeAgent.Host.Tests;

/// <summary>
/// The acceptance path on real parts: cluster A's apiserver exports into a real etcd, cluster B's agent follows it
/// and programs pinned kernel maps; bpftool, an independent reader, sees A's backend byte for byte, and a restarted
/// agent leaves every entry as it was.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Kernel)]
#pragma warning disable CA1001 // Disposed in IAsyncLifetime.DisposeAsync, which xunit calls.
public sealed class KernelMapsTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private EtcdFixture? _etcd;
    private readonly string _pins = Path.Combine("/sys/fs/bpf", $"mesh-agent-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private TwoClusterMesh? _mesh;

    public async Task InitializeAsync()
    {
        if (Prerequisite.MissingEtcd is null && Prerequisite.MissingBpf is null)
        {
            _etcd = await EtcdFixture.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_mesh is not null)
        {
            await _mesh.DisposeAsync();
        }
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
        if (Directory.Exists(_pins))
        {
            Directory.Delete(_pins, recursive: true);
        }
    }

    [SkippableFact]
    public async Task RealEtcdAndKernelMaps_RemoteBackendByteExact_RestartChangesNothing()
    {
        SkipTestException.ThrowIf(Prerequisite.MissingEtcd ?? Prerequisite.MissingBpf ?? Prerequisite.MissingExecutables("bpftool"));
        _mesh = new TwoClusterMesh(() => KvStoreFactory.Create(new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = _etcd!.ClientEndpoints }))));
        await _mesh.StartExporterAsync();

        using (var maps = BpfMapStores.Kernel(_pins))
        {
            _mesh.StartAgent(maps);
            await Eventually.UntilAsync(() => _mesh.Agent.IsReady && TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).Count == 3, Patience);
            await _mesh.StopAgentAsync();
        }

        var backends = await DumpAsync(CiliumMaps.Lb4Backends.Name);
        var remote = backends.Where(e => e.Value.SequenceEqual(Hex("0a 01 00 01  1f 90  06  00  01 00  00 00"))).ToList();
        remote.Should().ContainSingle("10.1.0.1:8080/TCP, active, cluster ID 1 (little-endian), zone 0, as cilium_lb4_backends_v3 lays it out");
        var services = await DumpAsync(CiliumMaps.Lb4Services.Name);
        services.Should().Contain(e => e.Key.Take(4).SequenceEqual(Hex("0a 60 01 0a")) && BitConverter.ToUInt32(e.Value, 0) == BitConverter.ToUInt32(remote[0].Key, 0),
            "a slot of B's VIP points at A's backend");
        var before = (backends, services, await DumpAsync(CiliumMaps.IpCache.Name), await DumpAsync(CiliumMaps.Lb4ReverseNat.Name));

        using (var maps = BpfMapStores.Kernel(_pins))
        {
            _mesh.StartAgent(maps);
            await Eventually.UntilAsync(() => _mesh.Agent.IsReady && _mesh.Agent.Reconcilers.All(r => r.LastFullReconciliation is not null), Patience);
            _mesh.Agent.MapCounters.Should().OnlyContain(c => c.Written == 0 && c.Deleted == 0, "a restart with unchanged state changes no entry ({0})", string.Join("; ", _mesh.Agent.MapCounters));
            await _mesh.StopAgentAsync();
        }
        var after = (await DumpAsync(CiliumMaps.Lb4Backends.Name), await DumpAsync(CiliumMaps.Lb4Services.Name), await DumpAsync(CiliumMaps.IpCache.Name), await DumpAsync(CiliumMaps.Lb4ReverseNat.Name));
        after.Item1.Should().BeEquivalentTo(before.backends);
        after.Item2.Should().BeEquivalentTo(before.services);
        after.Item3.Should().BeEquivalentTo(before.Item3);
        after.Item4.Should().BeEquivalentTo(before.Item4);
    }

    [SkippableFact]
    public async Task RealEtcdKilled_KernelEntriesKept_CacheTtlRemovesThem_RestartRestores()
    {
        SkipTestException.ThrowIf(Prerequisite.MissingEtcd ?? Prerequisite.MissingBpf ?? Prerequisite.MissingExecutables("bpftool"));
        _mesh = new TwoClusterMesh(() => KvStoreFactory.Create(new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = _etcd!.ClientEndpoints }))));
        await _mesh.StartExporterAsync();
        var remoteBackend = Hex("0a 01 00 01  1f 90  06  00  01 00  00 00");
        using var maps = BpfMapStores.Kernel(_pins);
        _mesh.StartAgent(maps, cacheTtl: TimeSpan.FromSeconds(3));
        await Eventually.UntilAsync(() => _mesh.Agent.IsReady && TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).Count == 3, Patience);

        await _etcd!.KillAsync();
        await Eventually.UntilAsync(() => !_mesh.Agent.Status().Remotes[0].Connected, Patience, "the agent notices cluster A is unreachable");
        (await DumpAsync(CiliumMaps.Lb4Backends.Name)).Should().Contain(e => e.Value.SequenceEqual(remoteBackend), "a disconnect alone keeps A's backend in the kernel map");

        await Eventually.UntilAsync(() => TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).SequenceEqual(["10.2.0.1:8080"]), Patience, "the cache TTL revokes A's backends");
        await Eventually.UntilAsync(async () => !(await DumpAsync(CiliumMaps.Lb4Backends.Name)).Any(e => e.Value.SequenceEqual(remoteBackend)), Patience, "A's backend entry leaves the kernel map");
        var ipcache = await DumpAsync(CiliumMaps.IpCache.Name);
        ipcache.Where(e => (e.Value[IpCacheValue.ByteSize - 1] & (byte)IpCacheFlags.RemoteCluster) != 0).Should().BeEmpty("no ipcache entry learnt from A is left");

        await _etcd.RestartAsync();
        await Eventually.UntilAsync(() => TwoClusterMesh.BackendsInMaps(maps, TwoClusterMesh.VipB).Count == 3, Patience, "A's backends come back with the reconnection");
        await _mesh.StopAgentAsync();
    }

    /// <summary>The map's entries as bpftool reads them from the pin.</summary>
    private async Task<List<KeyValuePair<byte[], byte[]>>> DumpAsync(string map)
    {
        var result = await ProcessRunner.RunCheckedAsync("bpftool", "map", "dump", "pinned", Path.Combine(_pins, map), "-j");
        using var json = JsonDocument.Parse(result.StandardOutput);
        return [.. json.RootElement.EnumerateArray().Select(e => KeyValuePair.Create(Bytes(e.GetProperty("key")), Bytes(e.GetProperty("value"))))];
    }

    private static byte[] Bytes(JsonElement array) =>
        [.. array.EnumerateArray().Select(e => byte.Parse(e.GetString()!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture))];

    private static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", string.Empty, StringComparison.Ordinal));
}
