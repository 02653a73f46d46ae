using System.Globalization;
using System.Net;
using System.Text.Json;
using Mesh.Bpf.Maps.Layouts;
using Mesh.Testing;
using Mesh.Testing.Prerequisites;
using Mesh.Testing.Processes;

namespace Mesh.Bpf.Maps.Tests;

[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class KernelMapStoreTests : MapStoreConformance
{
    private BpffsDirectory? _bpffs;

    /// <summary>The store's pin root; opening the store first skips the test when eBPF is unavailable.</summary>
    private string Root
    {
        get
        {
            _ = Store;
            return NodeRoot;
        }
    }

    private string NodeRoot => Path.Combine(_bpffs!.Path, "node1");

    public override void Dispose()
    {
        base.Dispose();
        _bpffs?.Dispose();
    }

    [SkippableFact]
    public void Open_ExistingPin_SameKernelMapId()
    {
        using var map = Store.Open(CiliumMaps.Lb4Services);
        var path = Path.Combine(Root, "cilium_lb4_services_v2");
        uint id;
        using (var pinned = BpfMap.OpenPinned(path))
        {
            id = pinned.GetInfo().Id;
        }
        using var restarted = ReopenStore();

        using var reopened = restarted.Open(CiliumMaps.Lb4Services);

        reopened.Outcome.Should().Be(MapOpenOutcome.Reused);
        using var again = BpfMap.OpenPinned(path);
        again.GetInfo().Id.Should().Be(id);
        again.Name.Should().Be("cilium_lb4_serv", "the kernel keeps 15 characters of the name");
    }

    [SkippableFact]
    public void Open_LayoutChanged_PinPointsAtNewMap()
    {
        var path = Path.Combine(Root, "cilium_ipcache_v2");
        using (Store.Open(CiliumMaps.IpCache with { MaxEntries = 16 }))
        {
        }
        uint oldId;
        using (var pinned = BpfMap.OpenPinned(path))
        {
            oldId = pinned.GetInfo().Id;
        }

        using var map = Store.Open(CiliumMaps.IpCache);

        map.Outcome.Should().Be(MapOpenOutcome.Replaced);
        using var current = BpfMap.OpenPinned(path);
        current.GetInfo().Id.Should().NotBe(oldId);
        current.MaxEntries.Should().Be(512000);
        Directory.GetFiles(Root).Should().ContainSingle("no staging pin is left behind");
    }

    [SkippableFact]
    public void BpftoolDump_EveryLbAndIpCacheMap_ShowsExactlyTheEncodedBytes()
    {
        SkipTestException.ThrowIf(Prerequisite.MissingExecutables("bpftool"));
        var vip6 = IPAddress.Parse("fd00::a");
        Check(CiliumMaps.Lb4Services, new Lb4ServiceKey(IPAddress.Parse("10.96.0.10"), 80, 0, L4Proto.Tcp), LbServiceValue.ForService(1, 0x0102, ServiceFlags.Routable));
        Check(CiliumMaps.Lb4Backends, new LbBackendKey(7), new Lb4BackendValue(IPAddress.Parse("10.244.1.5"), 8080, L4Proto.Tcp, clusterId: 2));
        Check(CiliumMaps.Lb4ReverseNat, new LbRevNatKey(0x0102), new Lb4RevNatValue(IPAddress.Parse("10.96.0.10"), 80));
        Check(CiliumMaps.Lb6Services, new Lb6ServiceKey(vip6, 443, 1, L4Proto.Tcp, ServiceScope.Internal), LbServiceValue.ForBackendSlot(9, 3));
        Check(CiliumMaps.Lb6Backends, new LbBackendKey(9), new Lb6BackendValue(IPAddress.Parse("fd00::1:5"), 8443, L4Proto.Tcp));
        Check(CiliumMaps.Lb6ReverseNat, new LbRevNatKey(3), new Lb6RevNatValue(vip6, 443));
        Check(CiliumMaps.IpCache, new IpCacheKey(IPAddress.Parse("10.1.0.0"), 16, 3), new IpCacheValue(1234, IPAddress.Parse("192.168.1.2"), 0, IpCacheFlags.RemoteCluster));
    }

    protected override IBpfMapStore CreateStore()
    {
        SkipTestException.ThrowIf(Prerequisite.MissingBpf);
        _bpffs ??= new BpffsDirectory();
        return BpfMapStores.Kernel(NodeRoot);
    }

    protected override IBpfMapStore ReopenStore() => BpfMapStores.Kernel(NodeRoot);

    private void Check<TKey, TValue>(BpfMapDescriptor descriptor, TKey key, TValue value)
        where TKey : struct, IBpfLayout<TKey>
        where TValue : struct, IBpfLayout<TValue>
    {
        using var map = Store.Open(descriptor);
        map.Update(key, value);
        var path = Path.Combine(Root, descriptor.Name);

        var result = ProcessRunner.RunCheckedAsync("bpftool", "map", "dump", "pinned", path, "-j").GetAwaiter().GetResult();

        using var json = JsonDocument.Parse(result.StandardOutput);
        var entries = json.RootElement.EnumerateArray().ToArray();
        entries.Should().ContainSingle($"{descriptor.Name} holds one entry");
        Bytes(entries[0].GetProperty("key")).Should().Equal(Hex.Encode(key), $"{descriptor.Name} key");
        Bytes(entries[0].GetProperty("value")).Should().Equal(Hex.Encode(value), $"{descriptor.Name} value");
    }

    // bpftool prints maps without BTF as arrays of "0x0a" strings.
    private static byte[] Bytes(JsonElement array) =>
        array.EnumerateArray().Select(e => byte.Parse(e.GetString()!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
}
