using Mesh.NodeAgent.Collections;

namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>
/// Chooses the backends of one frontend from the local and remote backend sets (spec §3.6, §4.1–§4.2):
/// a non-global service uses only local backends; affinity none uses all; affinity local uses every local backend
/// and adds the healthy remote ones only when no local backend is active; affinity remote uses every remote backend
/// and adds the local ones only when no remote backend is healthy.
/// </summary>
public static class BackendSelection
{
    public static SelectedBackends Select(ServiceIntent service, Frontend frontend, IEnumerable<ServiceBackendSet> sets)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(frontend);
        ArgumentNullException.ThrowIfNull(sets);
        var local = new SortedDictionary<L3L4Address, Backend>();
        var remote = new SortedDictionary<L3L4Address, Backend>();
        foreach (var set in sets)
        {
            if (!set.IsLocal && !service.Global)
            {
                continue;
            }
            var into = set.IsLocal ? local : remote;
            foreach (var backend in set.Backends)
            {
                if (Matches(frontend, backend))
                {
                    // One backend per address:port even when several port names or slices list it (spec §3.6).
                    into.TryAdd(backend.Address, backend);
                }
            }
        }
        foreach (var address in local.Keys)
        {
            // A local backend shadows a remote entry claiming the same address.
            remote.Remove(address);
        }

        var affinity = service.Global ? service.Affinity : ServiceAffinity.None;
        switch (affinity)
        {
            case ServiceAffinity.Local:
                {
                    var anyActive = local.Values.Any(b => b.IsActive);
                    var chosen = anyActive ? local.Values : local.Values.Concat(remote.Values.Where(b => b.IsHealthy));
                    return new SelectedBackends(new ValueList<Backend>(chosen), new ValueList<Backend>(local.Values));
                }
            case ServiceAffinity.Remote:
                {
                    var anyHealthy = remote.Values.Any(b => b.IsHealthy);
                    var chosen = anyHealthy ? remote.Values : local.Values.Concat(remote.Values);
                    return new SelectedBackends(new ValueList<Backend>(chosen), new ValueList<Backend>(remote.Values));
                }
            default:
                {
                    var all = new ValueList<Backend>(local.Values.Concat(remote.Values));
                    return new SelectedBackends(all, all);
                }
        }
    }

    /// <summary>Backends match a frontend by port name; unnamed single-port services match by protocol.</summary>
    private static bool Matches(Frontend frontend, Backend backend) =>
        backend.PortName == frontend.PortName && backend.Address.Protocol == frontend.Address.Protocol
        && backend.Address.Address.AddressFamily == frontend.Address.Address.AddressFamily;
}
