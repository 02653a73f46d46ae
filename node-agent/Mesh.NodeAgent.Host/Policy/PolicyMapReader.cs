using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;
using Mesh.Policy.Maps;

namespace Mesh.NodeAgent.Host.Policy;

/// <summary>Reads an endpoint's programmed policy map back from a map store (kernel pins or the userspace files).</summary>
public static class PolicyMapReader
{
    /// <summary>The map's entries decoded, or null when the endpoint has no policy map in <paramref name="store"/>.</summary>
    public static IReadOnlyDictionary<PolicyMapKey, PolicyMapEntry>? Read(IBpfMapStore store, ushort endpointId)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var map = store.OpenExisting(CiliumMaps.Policy(endpointId).Name);
        if (map is null)
        {
            return null;
        }
        var entries = map.Dump();
        var result = new Dictionary<PolicyMapKey, PolicyMapEntry>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var key = PolicyMapEncoding.Decode(PolicyKey.Read(entries.Key(i)));
            result[key] = PolicyMapEncoding.Decode(Mesh.Bpf.Maps.Layouts.PolicyEntry.Read(entries.Value(i)));
        }
        return result;
    }

    /// <summary>The endpoints that have a policy map in <paramref name="store"/>.</summary>
    public static IReadOnlyList<ushort> Endpoints(IBpfMapStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var ids = new List<ushort>();
        foreach (var name in store.Names(CiliumMaps.PolicyMapPrefix))
        {
            if (PolicyMapEncoding.EndpointOf(name) is { } id)
            {
                ids.Add(id);
            }
        }
        return ids;
    }
}
