using Mesh.Bpf.Maps.Layouts;
using Mesh.Bpf.Syscalls;
using Mesh.Testing;

namespace Mesh.Bpf.Maps.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class PolicyLayoutTests
{
    [Fact]
    public void PolicyKey_PortRangeKey_PrefixLen60PortBigEndian()
    {
        // Spec vector V5: (65600, ingress, TCP, 8080/12) has BPF prefixlen 60.
        var key = new PolicyKey(65600, egress: false, 6, 8080, 12);

        Hex.Encode(key).Should().Equal(Hex.Bytes("3c000000 40000100 00 06 1f90"));
        key.PrefixLength.Should().Be(60);
    }

    [Fact]
    public void PolicyKey_AllowAllEgress_PrefixLen40EgressBit()
    {
        Hex.Encode(new PolicyKey(0, egress: true, 0, 0, 0)).Should().Equal(Hex.Bytes("28000000 00000000 01 00 0000"));
    }

    [Fact]
    public void PolicyKey_ProtocolOnly_PrefixLen48()
    {
        Hex.Encode(new PolicyKey(2, egress: false, 17, 0, 0)).Should().Equal(Hex.Bytes("30000000 02000000 00 11 0000"));
    }

    [Fact]
    public void PolicyKey_PortBelowPrefix_MaskedAway()
    {
        var key = new PolicyKey(7, egress: true, 6, 8085, 12);

        key.Port.Should().Be(8080);
        Hex.Encode(key).Should().Equal(Hex.Bytes("3c000000 07000000 01 06 1f90"));
    }

    [Fact]
    public void PolicyKey_LookupKey_FullLength64()
    {
        var key = PolicyKey.Lookup(16777217, egress: true, 6, 443);

        Hex.Encode(key).Should().Equal(Hex.Bytes("40000000 01000001 01 06 01bb"));
    }

    [Fact]
    public void PolicyKey_AnyProtocolWithPort_Throws()
    {
        var act = () => new PolicyKey(1, false, 0, 80, 16);

        act.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData(0u, false, (byte)0, (ushort)0, 0)]
    [InlineData(65600u, false, (byte)6, (ushort)8080, 12)]
    [InlineData(131200u, true, (byte)17, (ushort)53, 16)]
    [InlineData(16777219u, true, (byte)132, (ushort)32768, 1)]
    [InlineData(2u, false, (byte)1, (ushort)8, 16)]
    public void PolicyKey_RoundTrip_SameKey(uint identity, bool egress, byte protocol, ushort port, int prefix)
    {
        var key = new PolicyKey(identity, egress, protocol, port, prefix);

        PolicyKey.Read(Hex.Encode(key)).Should().Be(key);
    }

    [Fact]
    public void PolicyEntry_Allow_LpmLengthInTopFiveBits()
    {
        // Spec vector V5: the entry under the /60 key has lpm_prefix_length 20.
        var entry = PolicyEntry.AllowFor(new PolicyKey(65600, false, 6, 8080, 12));

        entry.LpmPrefixLength.Should().Be(20);
        Hex.Encode(entry).Should().Equal(Hex.Bytes("0000 a0 00 01ffffff 00000000"));
    }

    [Fact]
    public void PolicyEntry_Deny_DenyBitAndMaxPrecedence()
    {
        // Spec vector V8: deny (65600, egress, TCP, 5400/13).
        var entry = PolicyEntry.DenyFor(new PolicyKey(65600, true, 6, 5400, 13));

        Hex.Encode(entry).Should().Equal(Hex.Bytes("0000 a9 00 ffffffff 00000000"));
    }

    [Fact]
    public void PolicyEntry_ProxyAuthCookie_ExactBytes()
    {
        var entry = new PolicyEntry(false, 0xFFFFFF02, 24, proxyPort: 15001, authType: 1, hasExplicitAuthType: true, cookie: 0x01020304);

        Hex.Encode(entry).Should().Equal(Hex.Bytes("3a99 c0 81 02ffffff 04030201"));
        PolicyEntry.Read(Hex.Encode(entry)).Should().Be(entry);
    }

    [Fact]
    public void PolicyEntry_ReservedBitsSet_Ignored()
    {
        var entry = PolicyEntry.Read(Hex.Bytes("0000 07 00 ffffffff 00000000"));

        entry.Deny.Should().BeTrue();
        entry.LpmPrefixLength.Should().Be(0);
        Hex.Encode(entry).Should().Equal(Hex.Bytes("0000 01 00 ffffffff 00000000"));
    }

    [Fact]
    public void PolicyKey_ToString_LikeCiliumBpfPolicyGet()
    {
        new PolicyKey(65600, false, 6, 8080, 12).ToString().Should().Be("Ingress 65600 TCP 8080/12");
        new PolicyKey(0, true, 0, 0, 0).ToString().Should().Be("Egress 0 ANY ANY");
        new PolicyKey(7, true, 6, 443, 16).ToString().Should().Be("Egress 7 TCP 443");
    }

    [Fact]
    public void CiliumMaps_Policy_PerEndpointLpmTrie()
    {
        var descriptor = CiliumMaps.Policy(42);

        descriptor.Name.Should().Be("cilium_policy_v2_00042");
        descriptor.Type.Should().Be(BpfMapType.LpmTrie);
        descriptor.KeySize.Should().Be(12);
        descriptor.ValueSize.Should().Be(12);
        descriptor.MaxEntries.Should().Be(16384);
        descriptor.Flags.Should().Be(BpfMapFlags.NoPrealloc | BpfMapFlags.ReadOnlyProg);
    }
}
