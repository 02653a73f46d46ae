using System.Net;
using Mesh.Bpf.Loader;
using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;
using Mesh.Bpf.Programs.Tests.Framework;
using Mesh.Bpf.Syscalls;
using Mesh.Testing;
using Mesh.Testing.Packets;

namespace Mesh.Bpf.Programs.Tests;

/// <summary>
/// The production object (bpf/mesh_lxc.o) run against maps created from the agent's descriptors and filled with
/// the agent's C# layouts: proves the C structs and the agent's encoding are the same bytes, and exercises the
/// loader's map reuse (caller-held maps and pins).
/// </summary>
[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class AgentMapsDatapathTests : IDisposable
{
    private const ushort RevNat = 7;
    private const uint BackendIdentity = 1000;
    private static readonly IPAddress Client = IPAddress.Parse("10.244.0.3");
    private static readonly IPAddress Vip = IPAddress.Parse("10.96.0.10");
    private static readonly IPAddress Backend = IPAddress.Parse("10.2.1.5");

    private static string ObjectPath => Path.Combine(BpfTestCatalog.ProgramsDirectory, "mesh_lxc.o");

    private readonly List<BpfMap> _maps = [];
    private readonly string _pins = Path.Combine("/sys/fs/bpf", $"mesh-programs-test-{Environment.ProcessId}-{Guid.NewGuid():N}");

    [BpfLoaderFact]
    public void FromContainer_ServiceInAgentMaps_TranslatesAndReplyIsReverseTranslated()
    {
        var maps = AgentMaps();
        using var datapath = BpfObject.Load(ObjectPath, new BpfObjectOptions { Maps = maps });

        var forward = datapath.Program("mesh_from_container").TestRun(TestPackets.Tcp(Client, 40000, Vip, 80), dataCapacity: 256);

        forward.ReturnValue.Should().Be(0u, "TC_ACT_OK");
        TestPackets.Destination(forward.Data).Should().Be(Backend);
        TestPackets.DestinationPort(forward.Data).Should().Be(8080);
        TestPackets.Source(forward.Data).Should().Be(Client);
        TestPackets.IpChecksumValid(forward.Data).Should().BeTrue();
        TestPackets.TcpChecksumValid(forward.Data).Should().BeTrue();

        var reply = datapath.Program("mesh_to_container").TestRun(TestPackets.Tcp(Backend, 8080, Client, 40000), dataCapacity: 256);

        reply.ReturnValue.Should().Be(0u);
        TestPackets.Source(reply.Data).Should().Be(Vip);
        TestPackets.SourcePort(reply.Data).Should().Be(80);
        TestPackets.IpChecksumValid(reply.Data).Should().BeTrue();
        TestPackets.TcpChecksumValid(reply.Data).Should().BeTrue();
    }

    [BpfLoaderFact]
    public void FromContainer_Ipv6ServiceInAgentMaps_TranslatesWithValidChecksumAndReplyIsReverseTranslated()
    {
        var client = IPAddress.Parse("fd00:244::3");
        var vip = IPAddress.Parse("fd00:96::10");
        var backend = IPAddress.Parse("fd00:2:1::5");
        var stranger = IPAddress.Parse("2001:db8::9");
        var maps = AgentMaps();
        maps["cilium_lb6_services_v2"].Update(Bytes(new Lb6ServiceKey(vip, 80, 0, L4Proto.Tcp)), Bytes(LbServiceValue.ForService(1, RevNat, ServiceFlags.None)));
        maps["cilium_lb6_services_v2"].Update(Bytes(new Lb6ServiceKey(vip, 80, 1, L4Proto.Tcp)), Bytes(LbServiceValue.ForBackendSlot(6, RevNat)));
        maps["cilium_lb6_backends_v3"].Update(Bytes(new LbBackendKey(6)), Bytes(new Lb6BackendValue(backend, 8080, L4Proto.Tcp)));
        maps["cilium_lb6_reverse_nat"].Update(Bytes(new LbRevNatKey(RevNat)), Bytes(new Lb6RevNatValue(vip, 80)));
        maps["cilium_ipcache_v2"].Update(Bytes(new IpCacheKey(IPAddress.Parse("fd00:2::"), 32)), Bytes(new IpCacheValue(BackendIdentity)));
        using var datapath = BpfObject.Load(ObjectPath, new BpfObjectOptions { Maps = maps });

        var forward = datapath.Program("mesh_from_container").TestRun(TestPackets.Tcp6(client, 40000, vip, 80), dataCapacity: 256);
        var reply = datapath.Program("mesh_to_container").TestRun(TestPackets.Tcp6(backend, 8080, client, 40000), dataCapacity: 256);
        var unknownPeer = datapath.Program("mesh_from_container").TestRun(TestPackets.Tcp6(client, 40001, stranger, 8080), dataCapacity: 256);

        forward.ReturnValue.Should().Be(0u, "TC_ACT_OK: the backend's identity (from the IPv6 ipcache prefix) is allowed on 8080");
        TestPackets.Destination6(forward.Data).Should().Be(backend);
        TestPackets.DestinationPort6(forward.Data).Should().Be(8080);
        TestPackets.Source6(forward.Data).Should().Be(client);
        TestPackets.Tcp6ChecksumValid(forward.Data).Should().BeTrue();
        reply.ReturnValue.Should().Be(0u);
        TestPackets.Source6(reply.Data).Should().Be(vip);
        TestPackets.SourcePort6(reply.Data).Should().Be(80);
        TestPackets.Tcp6ChecksumValid(reply.Data).Should().BeTrue();
        unknownPeer.ReturnValue.Should().Be(2u, "TC_ACT_SHOT: an address outside the ipcache is the world, which no entry allows");
    }

    [BpfLoaderFact]
    public void FromContainer_EgressEntryRemovedByAgent_NextConnectionDropped()
    {
        var maps = AgentMaps();
        using var datapath = BpfObject.Load(ObjectPath, new BpfObjectOptions { Maps = maps });
        var allowed = datapath.Program("mesh_from_container").TestRun(TestPackets.Tcp(Client, 40001, Vip, 80), dataCapacity: 256);

        maps["cilium_policy_v2"].Delete(Bytes(new PolicyKey(BackendIdentity, egress: true, 6, 8080, 16))).Should().BeTrue();
        var established = datapath.Program("mesh_from_container").TestRun(TestPackets.Tcp(Client, 40001, Vip, 80), dataCapacity: 256);
        var next = datapath.Program("mesh_from_container").TestRun(TestPackets.Tcp(Client, 40002, Vip, 80), dataCapacity: 256);

        allowed.ReturnValue.Should().Be(0u);
        established.ReturnValue.Should().Be(0u, "the connection allowed before the change is tracked");
        next.ReturnValue.Should().Be(2u, "TC_ACT_SHOT: no egress entry allows the backend's identity any more");
    }

    [BpfLoaderFact]
    public void Load_PinDirectory_ReusesAgentPinsAndPinsTheRest()
    {
        Directory.CreateDirectory(_pins);
        var services = Create(CiliumMaps.Lb4Services);
        services.Pin(Path.Combine(_pins, "cilium_lb4_services_v2"));
        var policyPin = Path.Combine(_pins, CiliumMaps.Policy(42).Name);

        using (var datapath = BpfObject.Load(ObjectPath, new BpfObjectOptions
        {
            PinDirectory = _pins,
            MapPins = new Dictionary<string, string> { ["cilium_policy_v2"] = policyPin },
        }))
        {
            datapath.Map("cilium_lb4_services_v2").Reused.Should().BeTrue();
            datapath.Map("cilium_lb4_backends_v3").Reused.Should().BeFalse();
            datapath.Map("cilium_policy_v2").PinPath.Should().Be(policyPin);
        }

        File.Exists(Path.Combine(_pins, "mesh_ct4")).Should().BeTrue();
        File.Exists(Path.Combine(_pins, "mesh_ct6")).Should().BeTrue();
        File.Exists(Path.Combine(_pins, "cilium_lb4_backends_v3")).Should().BeTrue();
        using var policy = BpfMap.OpenPinned(policyPin);
        (policy.Type, policy.KeySize, policy.ValueSize).Should().Be((BpfMapType.LpmTrie, PolicyKey.ByteSize, PolicyEntry.ByteSize));

        // A second load (an agent restart) finds every map pinned and reuses all of them.
        using var again = BpfObject.Load(ObjectPath, new BpfObjectOptions
        {
            PinDirectory = _pins,
            MapPins = new Dictionary<string, string> { ["cilium_policy_v2"] = policyPin },
        });
        again.Maps.Where(m => m.PinPath is not null).Should().OnlyContain(m => m.Reused);
    }

    [BpfLoaderFact]
    public void Load_CallerMapWithOtherValueSize_ThrowsNamingBothLayouts()
    {
        var wrong = BpfMap.Create(BpfMapType.Hash, 4, 8, 16, "wrong_backends");
        _maps.Add(wrong);

        var load = () => BpfObject.Load(ObjectPath, new BpfObjectOptions { Maps = new Dictionary<string, BpfMap> { ["cilium_lb4_backends_v3"] = wrong } });

        load.Should().Throw<BpfLoadException>().WithMessage("*cilium_lb4_backends_v3*value 8*value 12*");
    }

    public void Dispose()
    {
        foreach (var map in _maps)
        {
            map.Dispose();
        }
        if (Directory.Exists(_pins))
        {
            foreach (var pin in Directory.EnumerateFiles(_pins))
            {
                File.Delete(pin);
            }
            Directory.Delete(_pins);
        }
    }

    /// <summary>LB, ipcache and one endpoint's policy map, created and filled the way the agent does.</summary>
    private Dictionary<string, BpfMap> AgentMaps()
    {
        var services = Create(CiliumMaps.Lb4Services);
        services.Update(Bytes(new Lb4ServiceKey(Vip, 80, 0, L4Proto.Tcp)), Bytes(LbServiceValue.ForService(1, RevNat, ServiceFlags.None)));
        services.Update(Bytes(new Lb4ServiceKey(Vip, 80, 1, L4Proto.Tcp)), Bytes(LbServiceValue.ForBackendSlot(5, RevNat)));
        var backends = Create(CiliumMaps.Lb4Backends);
        backends.Update(Bytes(new LbBackendKey(5)), Bytes(new Lb4BackendValue(Backend, 8080, L4Proto.Tcp, BackendState.Active, clusterId: 2)));
        var reverseNat = Create(CiliumMaps.Lb4ReverseNat);
        reverseNat.Update(Bytes(new LbRevNatKey(RevNat)), Bytes(new Lb4RevNatValue(Vip, 80)));
        var ipCache = Create(CiliumMaps.IpCache);
        ipCache.Update(Bytes(new IpCacheKey(IPAddress.Parse("10.2.0.0"), 16)), Bytes(new IpCacheValue(BackendIdentity)));
        var policy = Create(CiliumMaps.Policy(42));
        var egress = new PolicyKey(BackendIdentity, egress: true, 6, 8080, 16);
        policy.Update(Bytes(egress), Bytes(PolicyEntry.AllowFor(egress)));
        // The client itself accepts nothing: the reply must pass through conntrack alone.
        return new Dictionary<string, BpfMap>
        {
            ["cilium_lb4_services_v2"] = services,
            ["cilium_lb4_backends_v3"] = backends,
            ["cilium_lb4_reverse_nat"] = reverseNat,
            ["cilium_lb6_services_v2"] = Create(CiliumMaps.Lb6Services),
            ["cilium_lb6_backends_v3"] = Create(CiliumMaps.Lb6Backends),
            ["cilium_lb6_reverse_nat"] = Create(CiliumMaps.Lb6ReverseNat),
            ["cilium_ipcache_v2"] = ipCache,
            ["cilium_policy_v2"] = policy,
        };
    }

    private BpfMap Create(BpfMapDescriptor descriptor)
    {
        var map = BpfMap.Create(descriptor.Type, descriptor.KeySize, descriptor.ValueSize, descriptor.MaxEntries, descriptor.Name, descriptor.Flags);
        _maps.Add(map);
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
