using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;
using Mesh.NodeAgent.Host.Metrics;
using Mesh.NodeAgent.LoadBalancerMaps;

namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>
/// The agent's LB and ipcache maps, opened from a map store (pinned kernel maps or the userspace stand-in), with
/// the reconciler operations that program them and what they held at start.
/// </summary>
internal sealed class DatapathMaps : IDisposable
{
    private readonly ProgrammedMap[] _all;

    public DatapathMaps(IBpfMapStore store, PropagationTracker? propagation = null, TimeProvider? time = null, int lbMaxEntries = CiliumMaps.DefaultLbMaxEntries, int ipCacheMaxEntries = CiliumMaps.DefaultIpCacheMaxEntries)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        var services4 = Open(store, CiliumMaps.Lb4Services with { MaxEntries = lbMaxEntries });
        var services6 = Open(store, CiliumMaps.Lb6Services with { MaxEntries = lbMaxEntries });
        var backends4 = Open(store, CiliumMaps.Lb4Backends with { MaxEntries = lbMaxEntries });
        var backends6 = Open(store, CiliumMaps.Lb6Backends with { MaxEntries = lbMaxEntries });
        var revNat4 = Open(store, CiliumMaps.Lb4ReverseNat with { MaxEntries = lbMaxEntries });
        var revNat6 = Open(store, CiliumMaps.Lb6ReverseNat with { MaxEntries = lbMaxEntries });
        var ipcache = Open(store, CiliumMaps.IpCache with { MaxEntries = ipCacheMaxEntries });
        _all = [services4, services6, backends4, backends6, revNat4, revNat6, ipcache];
        RecoveredServices = LbEncoding.RecoverServices(services4.Found, services6.Found);
        RecoveredBackends = LbEncoding.RecoverBackends(backends4.Found, backends6.Found);
        time ??= TimeProvider.System;
        // A slot is written only once its backend is in a backends map (the two reconcilers run independently).
        Services = new LbServiceMapOperations(services4, services6, () => id => Backends!.InMaps(id)) { Propagation = propagation, Time = time };
        Backends = new LbBackendMapOperations(backends4, backends6, RecoveredBackends, Services.IsReferenced) { Time = time };
        RevNat = new LbRevNatMapOperations(revNat4, revNat6) { Time = time };
        IpCache = new IpCacheMapOperations(ipcache) { Propagation = propagation, Time = time };
    }

    public IBpfMapStore Store { get; }

    public IReadOnlyList<LbServiceEntry> RecoveredServices { get; }

    public IReadOnlyList<LbBackendEntry> RecoveredBackends { get; }

    public LbServiceMapOperations Services { get; }

    public LbBackendMapOperations Backends { get; }

    public LbRevNatMapOperations RevNat { get; }

    public IpCacheMapOperations IpCache { get; }

    /// <summary>Write counters and programming time per map.</summary>
    public IReadOnlyList<MapCounters> Counters =>
        [.. _all.Select(m => new MapCounters(m.Name, m.Written, m.Skipped, m.Deleted, m.ProgrammingTime, m.ProgrammingCpuTime, m.SyscallCpuTime))];

    public void Dispose()
    {
        foreach (var map in _all)
        {
            map.Dispose();
        }
    }

    private static ProgrammedMap Open(IBpfMapStore store, BpfMapDescriptor descriptor) => new(store.Open(descriptor));
}
