using System.Net;
using Mesh.Bpf;
using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;
using Mesh.Bpf.Syscalls;

namespace Mesh.Benchmarks.Datapath;

/// <summary>
/// The agent's maps (LB, ipcache, per-endpoint policy) created from the agent's descriptors and filled with the
/// agent's C# layouts; handed to the loaded objects as caller-held maps. Disposing closes them (nothing is pinned).
/// </summary>
internal sealed class BenchMaps : IDisposable
{
    private readonly List<BpfMap> _all = [];

    public BenchMaps()
    {
        Services = Create(CiliumMaps.Lb4Services);
        Backends = Create(CiliumMaps.Lb4Backends);
        ReverseNat = Create(CiliumMaps.Lb4ReverseNat);
        IpCache = Create(CiliumMaps.IpCache);
    }

    public BpfMap Services { get; }

    public BpfMap Backends { get; }

    public BpfMap ReverseNat { get; }

    public BpfMap IpCache { get; }

    /// <summary>A service VIP:port/TCP with its backends (ids from 1, in order) behind reverse-NAT index <paramref name="revNat"/>.</summary>
    public void AddService(IPAddress vip, ushort port, ushort revNat, params (IPAddress Address, ushort Port)[] backends)
    {
        Services.Update(Bytes(new Lb4ServiceKey(vip, port, 0, L4Proto.Tcp)), Bytes(LbServiceValue.ForService((ushort)backends.Length, revNat, ServiceFlags.None)));
        for (var i = 0; i < backends.Length; i++)
        {
            var id = (uint)(revNat * 100 + i + 1);
            Services.Update(Bytes(new Lb4ServiceKey(vip, port, (ushort)(i + 1), L4Proto.Tcp)), Bytes(LbServiceValue.ForBackendSlot(id, revNat)));
            Backends.Update(Bytes(new LbBackendKey(id)), Bytes(new Lb4BackendValue(backends[i].Address, backends[i].Port, L4Proto.Tcp)));
        }
        ReverseNat.Update(Bytes(new LbRevNatKey(revNat)), Bytes(new Lb4RevNatValue(vip, port)));
    }

    public void AddIdentity(IPAddress prefix, int prefixLength, uint identity) =>
        IpCache.Update(Bytes(new IpCacheKey(prefix, prefixLength)), Bytes(new IpCacheValue(identity)));

    /// <summary>A fresh endpoint policy map (cilium_policy_v2_&lt;id&gt;).</summary>
    public BpfMap Policy(ushort endpointId) => Create(CiliumMaps.Policy(endpointId));

    /// <summary>An L3/L4 allow entry: the peer identity on TCP to one port, in one direction.</summary>
    public static void Allow(BpfMap policy, uint peerIdentity, bool egress, ushort port)
    {
        var key = new PolicyKey(peerIdentity, egress, (byte)L4Proto.Tcp, port, 16);
        policy.Update(Bytes(key), Bytes(PolicyEntry.AllowFor(key)));
    }

    /// <summary>The map bindings for one endpoint's mesh_lxc object.</summary>
    public Dictionary<string, BpfMap> For(BpfMap policy) => new()
    {
        ["cilium_lb4_services_v2"] = Services,
        ["cilium_lb4_backends_v3"] = Backends,
        ["cilium_lb4_reverse_nat"] = ReverseNat,
        ["cilium_ipcache_v2"] = IpCache,
        ["cilium_policy_v2"] = policy,
    };

    public BpfMap Create(BpfMapType type, int keySize, int valueSize, int maxEntries, string name)
    {
        var map = BpfMap.Create(type, keySize, valueSize, maxEntries, name);
        _all.Add(map);
        return map;
    }

    public void Dispose()
    {
        foreach (var map in _all)
        {
            map.Dispose();
        }
        _all.Clear();
    }

    private BpfMap Create(BpfMapDescriptor d) => Create(d.Type, d.KeySize, d.ValueSize, d.MaxEntries, d.Name, d.Flags);

    private BpfMap Create(BpfMapType type, int keySize, int valueSize, int maxEntries, string name, BpfMapFlags flags)
    {
        var map = BpfMap.Create(type, keySize, valueSize, maxEntries, name, flags);
        _all.Add(map);
        return map;
    }

    private static byte[] Bytes<T>(T layout)
        where T : struct, IBpfLayout<T>
    {
        var bytes = new byte[T.Size];
        layout.Write(bytes);
        return bytes;
    }
}
