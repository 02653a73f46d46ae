using System.Net;
using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;

namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>Reads back what the IPv4 LB maps hold for one frontend (status, demo, tests).</summary>
public static class LbMapReader
{
    /// <summary>
    /// The backends in the slots of <paramref name="vip"/>:<paramref name="port"/> (external scope), in slot order;
    /// a slot whose backend is missing from the backends map has a null value.
    /// </summary>
    public static IReadOnlyList<(uint BackendId, Lb4BackendValue? Backend)> SlotBackends(IBpfMapStore maps, IPAddress vip, ushort port)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(vip);
        using var services = maps.OpenExisting(CiliumMaps.Lb4Services.Name);
        using var backends = maps.OpenExisting(CiliumMaps.Lb4Backends.Name);
        if (services is null || backends is null)
        {
            return [];
        }
        var byId = backends.Dump<LbBackendKey, Lb4BackendValue>().ToDictionary(e => e.Key.BackendId, e => e.Value);
        return [.. services.Dump<Lb4ServiceKey, LbServiceValue>()
            .Where(e => e.Key.Vip.Equals(vip) && e.Key.Port == port && e.Key.Slot > 0 && e.Key.Scope == ServiceScope.External)
            .OrderBy(e => e.Key.Slot)
            .Select(e => (e.Value.BackendId, byId.TryGetValue(e.Value.BackendId, out var b) ? b : (Lb4BackendValue?)null))];
    }
}
