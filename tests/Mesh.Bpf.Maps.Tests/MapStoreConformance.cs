using System.Net;
using Mesh.Bpf.Maps.Layouts;
using Mesh.Bpf.Syscalls;
using Mesh.Testing.Prerequisites;

namespace Mesh.Bpf.Maps.Tests;

/// <summary>The behaviour the agent relies on, run against every backend so the userspace one stays faithful.</summary>
public abstract class MapStoreConformance : IDisposable
{
    private IBpfMapStore? _store;

    protected IBpfMapStore Store => _store ??= CreateStore();

    public virtual void Dispose()
    {
        _store?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A fresh, empty store; throws <see cref="SkipTestException"/> when the backend is unavailable.</summary>
    protected abstract IBpfMapStore CreateStore();

    /// <summary>A second store over the same location, as a restarted agent would open.</summary>
    protected abstract IBpfMapStore ReopenStore();

    [SkippableFact]
    public void Open_Absent_CreatedEmptyThenReusedWithContent()
    {
        using (var map = Store.Open(CiliumMaps.Lb4Backends))
        {
            map.Outcome.Should().Be(MapOpenOutcome.Created);
            map.Count.Should().Be(0);
            map.Update(new LbBackendKey(1), new Lb4BackendValue(IPAddress.Parse("10.244.1.5"), 8080, L4Proto.Tcp));
        }
        Store.Flush();
        using var restarted = ReopenStore();

        using var reopened = restarted.Open(CiliumMaps.Lb4Backends);

        reopened.Outcome.Should().Be(MapOpenOutcome.Reused);
        reopened.TryLookup(new LbBackendKey(1), out Lb4BackendValue backend).Should().BeTrue();
        backend.Should().Be(new Lb4BackendValue(IPAddress.Parse("10.244.1.5"), 8080, L4Proto.Tcp));
    }

    [SkippableFact]
    public void Open_LayoutChanged_ReplacedEmptyWithReason()
    {
        using (var old = Store.Open(CiliumMaps.Lb4ReverseNat with { MaxEntries = 1024 }))
        {
            old.Update(new LbRevNatKey(1), new Lb4RevNatValue(IPAddress.Parse("10.96.0.10"), 80));
        }

        using var map = Store.Open(CiliumMaps.Lb4ReverseNat);

        map.Outcome.Should().Be(MapOpenOutcome.Replaced);
        map.ReplacedReason.Should().Contain("max 1024").And.Contain("max 65536");
        map.MaxEntries.Should().Be(65536);
        map.Count.Should().Be(0);
    }

    [SkippableFact]
    public void UpdateDeleteLookup_ServiceEntries_BehaveLikeAHash()
    {
        using var map = Store.Open(CiliumMaps.Lb4Services);
        var key = new Lb4ServiceKey(IPAddress.Parse("10.96.0.10"), 53, 0, L4Proto.Udp);
        map.Update(key, LbServiceValue.ForService(1, 5, ServiceFlags.Routable));
        map.Update(key, LbServiceValue.ForService(2, 5, ServiceFlags.Routable));

        map.TryLookup(key, out LbServiceValue value).Should().BeTrue();
        value.Count.Should().Be(2, "update overwrites");
        map.Delete(key).Should().BeTrue();
        map.Delete(key).Should().BeFalse("absent is not an error");
        map.TryLookup(key, out value).Should().BeFalse();
    }

    [SkippableFact]
    public void Batches_TenThousandBackends_UpdateDumpDelete()
    {
        const int count = 10_000;
        using var map = Store.Open(CiliumMaps.Lb4Backends with { MaxEntries = count });
        var keys = new LbBackendKey[count];
        var values = new Lb4BackendValue[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = new LbBackendKey((uint)i + 1);
            values[i] = new Lb4BackendValue(new IPAddress([10, 244, (byte)(i >> 8), (byte)i]), 8080, L4Proto.Tcp);
        }

        map.UpdateBatch<LbBackendKey, Lb4BackendValue>(keys, values).Should().Be(count);

        map.Count.Should().Be(count);
        var dumped = map.Dump<LbBackendKey, Lb4BackendValue>();
        dumped.Should().HaveCount(count);
        dumped.Should().Contain(new KeyValuePair<LbBackendKey, Lb4BackendValue>(keys[4242], values[4242]));
        map.DeleteBatch<LbBackendKey>(keys.AsSpan(0, count / 2)).Should().Be(count / 2);
        map.DeleteBatch<LbBackendKey>(keys.AsSpan(0, 10)).Should().Be(0, "already deleted");
        map.Count.Should().Be(count / 2);
        map.TryLookup(keys[^1], out Lb4BackendValue last).Should().BeTrue();
        last.Should().Be(values[^1]);
    }

    [SkippableFact]
    public void Update_HashFull_MapFullError()
    {
        using var map = Store.Open(CiliumMaps.Lb4Backends with { MaxEntries = 4 });
        for (var i = 1u; i <= 4; i++)
        {
            map.Update(new LbBackendKey(i), new Lb4BackendValue(IPAddress.Loopback, 80, L4Proto.Tcp));
        }

        var act = () => map.Update(new LbBackendKey(5), new Lb4BackendValue(IPAddress.Loopback, 80, L4Proto.Tcp));

        var error = act.Should().Throw<BpfException>().Which;
        error.IsMapFull.Should().BeTrue();
        error.Errno.Should().Be(Errno.E2BIG);
        error.Message.Should().Contain("map full").And.Contain("cilium_lb4_backends_v3");
        map.Update(new LbBackendKey(4), new Lb4BackendValue(IPAddress.Loopback, 81, L4Proto.Tcp));
    }

    [SkippableFact]
    public void UpdateBatch_PastCapacity_ReportsFailingElement()
    {
        using var map = Store.Open(CiliumMaps.Lb4Backends with { MaxEntries = 3 });
        var keys = new[] { new LbBackendKey(1), new LbBackendKey(2), new LbBackendKey(3), new LbBackendKey(4), new LbBackendKey(5) };
        var values = Enumerable.Repeat(new Lb4BackendValue(IPAddress.Loopback, 80, L4Proto.Tcp), 5).ToArray();

        var act = () => map.UpdateBatch<LbBackendKey, Lb4BackendValue>(keys, values);

        var error = act.Should().Throw<BpfException>().Which;
        error.IsMapFull.Should().BeTrue();
        error.ElementsProcessed.Should().Be(3);
        map.Count.Should().Be(3);
    }

    [SkippableFact]
    public void Update_IpCacheFull_MapFullError()
    {
        using var map = Store.Open(CiliumMaps.IpCache with { MaxEntries = 2 });
        map.Update(IpCacheKey.Host(IPAddress.Parse("10.0.0.1")), new IpCacheValue(100));
        map.Update(IpCacheKey.Host(IPAddress.Parse("10.0.0.2")), new IpCacheValue(100));

        var act = () => map.Update(IpCacheKey.Host(IPAddress.Parse("10.0.0.3")), new IpCacheValue(100));

        var error = act.Should().Throw<BpfException>().Which;
        error.IsMapFull.Should().BeTrue();
        error.Errno.Should().Be(Errno.ENOSPC);
    }

    [SkippableFact]
    public void TryLookup_IpCache_LongestPrefixWinsAndClusterIdMatchesExactly()
    {
        using var map = Store.Open(CiliumMaps.IpCache);
        var tunnel = IPAddress.Parse("192.168.0.7");
        map.Update(new IpCacheKey(IPAddress.Any, 0), new IpCacheValue(2));
        map.Update(new IpCacheKey(IPAddress.Parse("10.0.0.0"), 8), new IpCacheValue(100));
        map.Update(new IpCacheKey(IPAddress.Parse("10.1.0.0"), 16), new IpCacheValue(200, tunnel));
        map.Update(IpCacheKey.Host(IPAddress.Parse("10.1.2.3")), new IpCacheValue(300, tunnel, 1, IpCacheFlags.RemoteCluster));
        map.Update(new IpCacheKey(IPAddress.Parse("fd00::"), 64), new IpCacheValue(600, IPAddress.Parse("fd01::1")));

        Identity(map, IpCacheKey.Host(IPAddress.Parse("10.1.2.3"))).Should().Be(300);
        Identity(map, IpCacheKey.Host(IPAddress.Parse("10.1.2.4"))).Should().Be(200);
        Identity(map, IpCacheKey.Host(IPAddress.Parse("10.2.0.1"))).Should().Be(100);
        Identity(map, IpCacheKey.Host(IPAddress.Parse("192.168.1.1"))).Should().Be(2);
        Identity(map, IpCacheKey.Host(IPAddress.Parse("fd00::42"))).Should().Be(600);
        Identity(map, IpCacheKey.Host(IPAddress.Parse("fd01::42"))).Should().BeNull("no IPv6 default route entry");
        Identity(map, IpCacheKey.Host(IPAddress.Parse("10.1.2.3"), clusterId: 7)).Should().BeNull("cluster id is part of the static prefix");
        map.TryLookup(IpCacheKey.Host(IPAddress.Parse("10.1.9.9")), out IpCacheValue value).Should().BeTrue();
        value.TunnelEndpoint.Should().Be(tunnel);
        value.Flags.Should().Be(IpCacheFlags.HasTunnelEndpoint);
        map.Delete(new IpCacheKey(IPAddress.Parse("10.1.0.0"), 16)).Should().BeTrue();
        Identity(map, IpCacheKey.Host(IPAddress.Parse("10.1.2.4"))).Should().Be(100);
    }

    [SkippableFact]
    public void OpenExisting_AbsentOrPresent_NeverCreates()
    {
        Store.OpenExisting("cilium_lb4_services_v2").Should().BeNull();
        using (Store.Open(CiliumMaps.Lb4Services with { MaxEntries = 128 }))
        {
        }

        using var existing = Store.OpenExisting("cilium_lb4_services_v2");

        existing.Should().NotBeNull();
        existing!.Descriptor.MaxEntries.Should().Be(128);
        Store.Remove("cilium_lb4_services_v2").Should().BeTrue();
        Store.Remove("cilium_lb4_services_v2").Should().BeFalse();
    }

    private static uint? Identity(IBpfMapHandle map, IpCacheKey key) =>
        map.TryLookup(key, out IpCacheValue value) ? value.Identity : null;
}
