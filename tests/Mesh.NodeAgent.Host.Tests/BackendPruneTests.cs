using System.Net;
using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;
using Mesh.NodeAgent.Host.Datapath;
using Mesh.NodeAgent.LoadBalancerMaps;
using Mesh.NodeAgent.LoadBalancing;
using Mesh.NodeAgent.Tables;
using Mesh.Testing;

namespace Mesh.NodeAgent.Host.Tests;

/// <summary>
/// A full reconciliation's prune of the backends map never removes a backend that a programmed service slot still
/// points at (the datapath would pick a slot whose backend it cannot find); a later prune removes it once unreferenced.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class BackendPruneTests
{
    [Fact]
    public async Task Prune_UndesiredBackendStillInASlot_KeptUntilUnreferenced()
    {
        using var store = BpfMapStores.Userspace();
        using (var seed = store.Open(CiliumMaps.Lb4Backends))
        {
            foreach (var id in new uint[] { 1, 2, 3 })
            {
                seed.Update(new LbBackendKey(id), new Lb4BackendValue(IPAddress.Parse($"10.0.0.{id}"), 8080, L4Proto.Tcp));
            }
        }
        using var backends4 = new ProgrammedMap(store.Open(CiliumMaps.Lb4Backends));
        using var backends6 = new ProgrammedMap(store.Open(CiliumMaps.Lb6Backends));
        var referenced = new HashSet<uint> { 2 };
        var recovered = new uint[] { 1, 2, 3 }.Select(Backend);
        var operations = new LbBackendMapOperations(backends4, backends6, recovered, referenced.Contains);

        await operations.PruneAsync([new Desired<LbBackendEntry>(Backend(1))], CancellationToken.None);

        Ids(store).Should().Equal(1u, 2u);
        operations.InMaps(2).Should().BeTrue("a slot still selects it");
        operations.InMaps(3).Should().BeFalse("pruned from the map");

        referenced.Clear();
        await operations.PruneAsync([new Desired<LbBackendEntry>(Backend(1))], CancellationToken.None);

        Ids(store).Should().Equal(1u);
        operations.InMaps(2).Should().BeFalse();
    }

    private static LbBackendEntry Backend(uint id) =>
        new(id, new L3L4Address(IPAddress.Parse($"10.0.0.{id}"), 8080, L4Protocol.Tcp), Mesh.NodeAgent.LoadBalancing.BackendState.Active, 1, 0);

    private static List<uint> Ids(IBpfMapStore store)
    {
        using var map = store.OpenExisting(CiliumMaps.Lb4Backends.Name)!;
        return [.. map.Dump<LbBackendKey, Lb4BackendValue>().Select(e => e.Key.BackendId).Order()];
    }
}
