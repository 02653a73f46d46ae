using System.Net;
using Mesh.Bpf.Maps.Layouts;
using Mesh.Testing;

namespace Mesh.Bpf.Maps.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class UserspaceMapStoreTests : MapStoreConformance
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), $"mesh-maps-{Guid.NewGuid():N}");

    public override void Dispose()
    {
        base.Dispose();
        if (Directory.Exists(_state))
        {
            Directory.Delete(_state, recursive: true);
        }
    }

    [Fact]
    public void Open_WithoutStateDirectory_RestartStartsEmpty()
    {
        using (var store = BpfMapStores.Userspace())
        using (var map = store.Open(CiliumMaps.Lb4Backends))
        {
            map.Update(new LbBackendKey(1), new Lb4BackendValue(IPAddress.Loopback, 80, L4Proto.Tcp));
        }

        using var fresh = BpfMapStores.Userspace();
        using var reopened = fresh.Open(CiliumMaps.Lb4Backends);

        reopened.Outcome.Should().Be(MapOpenOutcome.Created);
    }

    [Fact]
    public void Open_CorruptStateFile_StartsEmpty()
    {
        Directory.CreateDirectory(_state);
        File.WriteAllText(Path.Combine(_state, "cilium_ipcache_v2.map"), "garbage");
        using var store = BpfMapStores.Userspace(_state);

        using var map = store.Open(CiliumMaps.IpCache);

        map.Outcome.Should().Be(MapOpenOutcome.Created);
    }

    [Fact]
    public void Handle_AfterDispose_Throws()
    {
        using var store = BpfMapStores.Userspace();
        var map = store.Open(CiliumMaps.Lb4Backends);
        map.Dispose();

        var act = () => map.Count;

        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Update_WrongKeySize_RejectedLikeTheKernelLayer()
    {
        using var store = BpfMapStores.Userspace();
        using var map = store.Open(CiliumMaps.Lb4Backends);

        var act = () => map.Update(new byte[3], new byte[12]);

        act.Should().Throw<ArgumentException>().WithMessage("*key is 3 bytes, map key size is 4*");
    }

    protected override IBpfMapStore CreateStore() => BpfMapStores.Userspace(_state);

    protected override IBpfMapStore ReopenStore() => BpfMapStores.Userspace(_state);
}
