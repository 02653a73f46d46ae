using System.Net;
using Mesh.NodeAgent.LoadBalancerMaps;

namespace Mesh.NodeAgent.Tests;

/// <summary>The desired LB tables as a reconciler would hold them: planner changes applied in order.</summary>
internal sealed class LbTables
{
    public SortedDictionary<LbFrontendKey, LbServiceEntry> Services { get; } = [];

    public SortedDictionary<uint, LbBackendEntry> Backends { get; } = [];

    public SortedDictionary<ushort, LbRevNatEntry> RevNat { get; } = [];

    public void Apply(LbChanges changes)
    {
        foreach (var key in changes.ServiceDeletes)
        {
            Services.Remove(key).Should().BeTrue($"only existing service entries are deleted ({key})");
        }
        foreach (var id in changes.BackendDeletes)
        {
            Backends.Remove(id).Should().BeTrue($"only existing backends are deleted ({id})");
        }
        foreach (var index in changes.RevNatDeletes)
        {
            RevNat.Remove(index).Should().BeTrue($"only existing reverse-NAT entries are deleted ({index})");
        }
        foreach (var entry in changes.ServiceUpserts)
        {
            Services[entry.Key] = entry;
        }
        foreach (var entry in changes.BackendUpserts)
        {
            Backends[entry.Id] = entry;
        }
        foreach (var entry in changes.RevNatUpserts)
        {
            RevNat[entry.Index] = entry;
        }
        // Every slot must point at an existing backend: the datapath would otherwise drop.
        foreach (var service in Services.Values)
        {
            foreach (var id in service.BackendIds)
            {
                Backends.Should().ContainKey(id, $"{service.Key} slot references backend {id}");
            }
        }
    }

    /// <summary>The backend addresses (ip:port) in the slots of the external-scope entry of vip:80/TCP.</summary>
    public IReadOnlyList<string> BackendsOf(string vip, ushort port = 80, LbScope scope = LbScope.External)
    {
        var key = new LbFrontendKey(IPAddress.Parse(vip), port, LoadBalancing.L4Protocol.Tcp, scope);
        return Services.TryGetValue(key, out var entry)
            ? [.. entry.BackendIds.Select(id => $"{Backends[id].Address.Address}:{Backends[id].Address.Port}").Order(StringComparer.Ordinal)]
            : [];
    }
}
