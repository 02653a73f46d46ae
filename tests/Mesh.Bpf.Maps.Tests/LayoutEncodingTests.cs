using System.Net;
using Mesh.Bpf.Maps.Layouts;
using Mesh.Testing;

namespace Mesh.Bpf.Maps.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class LayoutEncodingTests
{
    private static readonly IPAddress Vip = IPAddress.Parse("10.96.0.10");

    [Theory]
    [InlineData("10.1.2.3", 32)]
    [InlineData("10.1.2.3", 24)]
    [InlineData("10.1.2.255", 23)]
    [InlineData("0.0.0.0", 0)]
    [InlineData("255.255.255.255", 1)]
    [InlineData("fd00::1:2:3", 128)]
    [InlineData("fd00:ffff::ffff", 61)]
    [InlineData("::", 0)]
    public void IpCacheKeyWrite_StaticWriter_SameBytesAsTheKeyStruct(string prefix, int length)
    {
        Span<byte> fromStruct = stackalloc byte[IpCacheKey.ByteSize];
        Span<byte> direct = stackalloc byte[IpCacheKey.ByteSize];
        direct.Fill(0xAA);

        new IpCacheKey(IPAddress.Parse(prefix), length, 7).Write(fromStruct);
        IpCacheKey.Write(IPAddress.Parse(prefix), length, 7, direct);

        direct.ToArray().Should().Equal(fromStruct.ToArray());
    }

    [Fact]
    public void WriteSlot_EncodedServiceKeys_EqualEncodingWithThatSlot()
    {
        Span<byte> v4 = stackalloc byte[Lb4ServiceKey.ByteSize];
        Span<byte> v6 = stackalloc byte[Lb6ServiceKey.ByteSize];
        new Lb4ServiceKey(IPAddress.Parse("10.96.0.10"), 443, 0, L4Proto.Tcp, ServiceScope.Internal).Write(v4);
        new Lb6ServiceKey(IPAddress.Parse("fd00::10"), 443, 0, L4Proto.Udp).Write(v6);

        Lb4ServiceKey.WriteSlot(v4, 513);
        Lb6ServiceKey.WriteSlot(v6, 7);

        Lb4ServiceKey.Read(v4).Should().Be(new Lb4ServiceKey(IPAddress.Parse("10.96.0.10"), 443, 513, L4Proto.Tcp, ServiceScope.Internal));
        Lb6ServiceKey.Read(v6).Should().Be(new Lb6ServiceKey(IPAddress.Parse("fd00::10"), 443, 7, L4Proto.Udp));
    }

    [Fact]
    public void Lb4ServiceKey_ClusterIpServiceEntry_ExactBytes()
    {
        var key = new Lb4ServiceKey(Vip, 80, 0, L4Proto.Tcp, ServiceScope.External);

        Hex.Encode(key).Should().Equal(Hex.Bytes("0a60000a 0050 0000 06 00 0000"));
    }

    [Fact]
    public void Lb4ServiceKey_InternalScopeSlot3_SlotInHostOrder()
    {
        var key = new Lb4ServiceKey(Vip, 53, 3, L4Proto.Udp, ServiceScope.Internal);

        Hex.Encode(key).Should().Equal(Hex.Bytes("0a60000a 0035 0300 11 01 0000"));
    }

    [Fact]
    public void LbServiceValue_ServiceEntry_RevNatInNetworkOrderFlagsSplit()
    {
        var value = LbServiceValue.ForService(count: 2, revNatIndex: 0x0102, ServiceFlags.Routable | ServiceFlags.TwoScopes);

        Hex.Encode(value).Should().Equal(Hex.Bytes("00000000 0200 0102 40 20 0000"));
    }

    [Fact]
    public void LbServiceValue_MaglevWithAffinity_AlgorithmInTopByte()
    {
        var value = LbServiceValue.ForService(1, 9, ServiceFlags.SessionAffinity, LbAlgorithm.Maglev, affinityTimeoutSeconds: 300, quarantinedCount: 1);

        Hex.Encode(value).Should().Equal(Hex.Bytes("2c010002 0100 0009 10 00 0100"));
        value.Algorithm.Should().Be(LbAlgorithm.Maglev);
        value.AffinityTimeoutSeconds.Should().Be(300);
    }

    [Fact]
    public void LbServiceValue_L7Service_ProxyPortInNetworkOrder()
    {
        var value = LbServiceValue.ForL7Service(0, 4, ServiceFlags.None, proxyPort: 15001);

        Hex.Encode(value).Should().Equal(Hex.Bytes("3a990000 0000 0004 00 04 0000"));
        LbServiceValue.Read(Hex.Encode(value)).L7ProxyPort.Should().Be(15001);
    }

    [Fact]
    public void LbServiceValue_BackendSlot_BackendIdHostOrder()
    {
        var value = LbServiceValue.ForBackendSlot(0x01020304, 7);

        Hex.Encode(value).Should().Equal(Hex.Bytes("04030201 0000 0007 00 00 0000"));
    }

    [Fact]
    public void Lb4Backend_KeyAndValue_ExactBytes()
    {
        Hex.Encode(new LbBackendKey(0x01020304)).Should().Equal(Hex.Bytes("04030201"));
        var value = new Lb4BackendValue(IPAddress.Parse("10.244.1.5"), 8080, L4Proto.Tcp, BackendState.Terminating, clusterId: 3, zone: 1);

        Hex.Encode(value).Should().Equal(Hex.Bytes("0af40105 1f90 06 01 0300 01 00"));
    }

    [Fact]
    public void Lb4RevNat_KeyNetworkOrderValuePacked6Bytes()
    {
        Hex.Encode(new LbRevNatKey(0x0102)).Should().Equal(Hex.Bytes("0102"));
        Hex.Encode(new Lb4RevNatValue(Vip, 80)).Should().Equal(Hex.Bytes("0a60000a 0050"));
    }

    [Fact]
    public void Lb6ServiceKey_ExactBytes()
    {
        var key = new Lb6ServiceKey(IPAddress.Parse("fd00::a"), 443, 1, L4Proto.Udp, ServiceScope.Internal);

        Hex.Encode(key).Should().Equal(Hex.Bytes("fd00000000000000000000000000000a 01bb 0100 11 01 0000"));
    }

    [Fact]
    public void Lb6BackendValue_ExactBytes()
    {
        var value = new Lb6BackendValue(IPAddress.Parse("fd00::1:5"), 8080, L4Proto.Sctp, BackendState.Active, clusterId: 258, zone: 7);

        Hex.Encode(value).Should().Equal(Hex.Bytes("fd000000000000000000000000010005 1f90 84 00 0201 07 00"));
    }

    [Fact]
    public void Lb6RevNatValue_Packed18Bytes()
    {
        Hex.Encode(new Lb6RevNatValue(IPAddress.Parse("fd00::a"), 443)).Should().Equal(Hex.Bytes("fd00000000000000000000000000000a 01bb"));
    }

    [Fact]
    public void IpCacheKey_Ipv4Cidr_PrefixLenIs32PlusCidr()
    {
        var key = new IpCacheKey(IPAddress.Parse("10.0.0.0"), 24);

        Hex.Encode(key).Should().Equal(Hex.Bytes("38000000 0000 00 01 0a000000 000000000000000000000000"));
    }

    [Fact]
    public void IpCacheKey_HostBitsSet_MaskedToPrefixWithClusterId()
    {
        var key = new IpCacheKey(IPAddress.Parse("10.1.2.3"), 16, clusterId: 5);

        Hex.Encode(key).Should().Equal(Hex.Bytes("30000000 0500 00 01 0a010000 000000000000000000000000"));
        key.Prefix.Should().Be(IPAddress.Parse("10.1.0.0"));
        key.ToString().Should().Be("10.1.0.0/16@5");
    }

    [Fact]
    public void IpCacheKey_Ipv6_FamilyTwoFullAddress()
    {
        var key = new IpCacheKey(IPAddress.Parse("fd00::"), 64);

        Hex.Encode(key).Should().Equal(Hex.Bytes("60000000 0000 00 02 fd000000000000000000000000000000"));
        IpCacheKey.Host(IPAddress.Parse("fd00::1")).PrefixLength.Should().Be(128);
    }

    [Fact]
    public void IpCacheValue_Ipv4TunnelEndpoint_FlagsDerivedFromEndpoint()
    {
        var value = new IpCacheValue(1234, IPAddress.Parse("192.168.1.2"), encryptKey: 3, IpCacheFlags.SkipTunnel | IpCacheFlags.RemoteCluster);

        Hex.Encode(value).Should().Equal(Hex.Bytes("d2040000 c0a80102000000000000000000000000 0000 03 0b"));
    }

    [Fact]
    public void IpCacheValue_Ipv6TunnelEndpoint_SetsBothEndpointFlags()
    {
        var value = new IpCacheValue(7, IPAddress.Parse("fd00::1"));

        Hex.Encode(value).Should().Equal(Hex.Bytes("07000000 fd000000000000000000000000000001 0000 00 06"));
    }

    [Fact]
    public void IpCacheValue_NoTunnel_StaleEndpointFlagsCleared()
    {
        var value = new IpCacheValue(2, null, 0, IpCacheFlags.HasTunnelEndpoint);

        Hex.Encode(value).Should().Equal(Hex.Bytes("02000000 00000000000000000000000000000000 0000 00 00"));
    }

    [Fact]
    public void Read_EveryLayout_RoundTrips()
    {
        RoundTrip(new Lb4ServiceKey(Vip, 80, 2, L4Proto.Tcp, ServiceScope.Internal));
        RoundTrip(new Lb6ServiceKey(IPAddress.Parse("2001:db8::1"), 8443, 0, L4Proto.Sctp));
        RoundTrip(LbServiceValue.ForService(3, 0xbeef, ServiceFlags.NodePort | ServiceFlags.Routable | ServiceFlags.FwdModeDsr, LbAlgorithm.Random, 10, 2));
        RoundTrip(new LbBackendKey(uint.MaxValue));
        RoundTrip(new Lb4BackendValue(IPAddress.Parse("10.0.0.1"), 65535, L4Proto.Udp, BackendState.Maintenance, 511, 255));
        RoundTrip(new Lb6BackendValue(IPAddress.Parse("fd00::1"), 1, L4Proto.Tcp, BackendState.Quarantined, 1, 0));
        RoundTrip(new LbRevNatKey(0xfffe));
        RoundTrip(new Lb4RevNatValue(Vip, 443));
        RoundTrip(new Lb6RevNatValue(IPAddress.Parse("fd00::a"), 443));
        RoundTrip(new IpCacheKey(IPAddress.Parse("10.0.0.0"), 8, 65535));
        RoundTrip(new IpCacheKey(IPAddress.Parse("::"), 0));
        RoundTrip(new IpCacheValue(16777217, IPAddress.Parse("172.18.0.2"), 1, IpCacheFlags.RemoteCluster));
        RoundTrip(new IpCacheValue(2));
    }

    [Fact]
    public void Constructors_WrongAddressFamily_Rejected()
    {
        var v6 = IPAddress.Parse("fd00::1");

        FluentActions.Invoking(() => new Lb4ServiceKey(v6, 80, 0, L4Proto.Tcp)).Should().Throw<ArgumentException>().WithMessage("*not an IPv4 address*");
        FluentActions.Invoking(() => new Lb6BackendValue(Vip, 80, L4Proto.Tcp)).Should().Throw<ArgumentException>().WithMessage("*not an IPv6 address*");
        FluentActions.Invoking(() => new IpCacheKey(Vip, 33)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void CiliumMaps_Descriptors_MatchSpecifiedLayouts()
    {
        CiliumMaps.Lb4Services.Should().Match<BpfMapDescriptor>(d => d.Name == "cilium_lb4_services_v2" && d.KeySize == 12 && d.ValueSize == 12 && d.MaxEntries == 65536);
        CiliumMaps.Lb4Backends.Should().Match<BpfMapDescriptor>(d => d.Name == "cilium_lb4_backends_v3" && d.KeySize == 4 && d.ValueSize == 12);
        CiliumMaps.Lb4ReverseNat.Should().Match<BpfMapDescriptor>(d => d.Name == "cilium_lb4_reverse_nat" && d.KeySize == 2 && d.ValueSize == 6);
        CiliumMaps.Lb6Services.Should().Match<BpfMapDescriptor>(d => d.KeySize == 24 && d.ValueSize == 12);
        CiliumMaps.Lb6Backends.Should().Match<BpfMapDescriptor>(d => d.KeySize == 4 && d.ValueSize == 24);
        CiliumMaps.Lb6ReverseNat.Should().Match<BpfMapDescriptor>(d => d.KeySize == 2 && d.ValueSize == 18);
        CiliumMaps.IpCache.Should().Match<BpfMapDescriptor>(d => d.Name == "cilium_ipcache_v2" && d.Type == Syscalls.BpfMapType.LpmTrie && d.KeySize == 24 && d.ValueSize == 24 && d.MaxEntries == 512000
            && d.Flags == (Syscalls.BpfMapFlags.NoPrealloc | Syscalls.BpfMapFlags.ReadOnlyProg));
        CiliumMaps.Find("lb4_backends_v3").Should().BeSameAs(CiliumMaps.Lb4Backends);
        CiliumMaps.Find("cilium_ipcache_v2").Should().BeSameAs(CiliumMaps.IpCache);
    }

    private static void RoundTrip<T>(T layout)
        where T : struct, IBpfLayout<T>
    {
        var bytes = Hex.Encode(layout);
        T.Read(bytes).Should().Be(layout);
    }
}
