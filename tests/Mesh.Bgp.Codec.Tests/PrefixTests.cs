using System.Net;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Testing;

namespace Mesh.Bgp.Codec.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class PrefixTests
{
    [Theory]
    [InlineData("10.244.1.0/24", "10.244.1.0/24", 4)]
    [InlineData("10.244.1.7/24", "10.244.1.0/24", 4)]
    [InlineData("0.0.0.0/0", "0.0.0.0/0", 1)]
    [InlineData("172.20.0.10/32", "172.20.0.10/32", 5)]
    [InlineData("10.128.0.0/9", "10.128.0.0/9", 3)]
    [InlineData("fd00:244:1::/64", "fd00:244:1::/64", 9)]
    [InlineData("fd00::1/128", "fd00::1/128", 17)]
    [InlineData("2001:db8:ffff::/33", "2001:db8:8000::/33", 6)]
    public void Parse_Prefix_ClearsHostBitsAndEncodesMinimalOctets(string text, string expected, int encodedLength)
    {
        var prefix = Prefix.Parse(text);

        prefix.ToString().Should().Be(expected);
        prefix.EncodedLength.Should().Be(encodedLength);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("fd00::/129")]
    [InlineData("10.0.0.0")]
    [InlineData("banana/8")]
    [InlineData("10.0.0.0/-1")]
    public void TryParse_Invalid_ReturnsFalse(string text)
    {
        Prefix.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public void GetHashCode_ConsecutiveSlash24s_EqualForEqualPrefixesAndSpreadOverBuckets()
    {
        var prefixes = Enumerable.Range(0, 65_536).Select(i => Prefix.IPv4((uint)((16 << 24) | (i << 8)), 24)).ToArray();

        Prefix.Parse("16.0.1.0/24").GetHashCode().Should().Be(Prefix.Create(IPAddress.Parse("16.0.1.77"), 24).GetHashCode());
        // 65,536 random 32-bit values collide about 0.5 times on average (birthday bound).
        prefixes.Select(p => p.GetHashCode()).Distinct().Count().Should().BeGreaterThan(prefixes.Length - 8);
        // What a dictionary of this size does with them: 65,536 keys over 65,537 buckets leave about 1/e empty.
        var buckets = prefixes.Select(p => (uint)p.GetHashCode() % 65_537).Distinct().Count();
        buckets.Should().BeGreaterThan(38_000);
        Prefix.IPv4(0x10000000, 24).GetHashCode().Should().NotBe(Prefix.IPv4(0x10000000, 25).GetHashCode());
    }

    [Fact]
    public void Equality_SameNetworkDifferentFamilies_AreDistinct()
    {
        Prefix.IPv4(0, 0).Should().NotBe(Prefix.IPv6(0, 0));
        Prefix.Parse("10.0.0.0/8").Should().Be(Prefix.Create(IPAddress.Parse("10.1.2.3"), 8));
        Prefix.Parse("10.0.0.0/8").CompareTo(Prefix.Parse("10.0.0.0/16")).Should().BeNegative();
    }

    [Fact]
    public void Address_Ipv6_RoundTripsThroughIPAddress()
    {
        var prefix = Prefix.Parse("fd00:0:1::/48");

        prefix.Address.Should().Be(IPAddress.Parse("fd00:0:1::"));
        prefix.IsIPv6.Should().BeTrue();
        prefix.Afi.Should().Be(Afi.IPv6);
    }

    [Theory]
    [InlineData("10.244.0.0/16")]
    [InlineData("fd00:244::/32")]
    public void ToIPNetwork_Prefix_RoundTrips(string text)
    {
        var prefix = Prefix.Parse(text);

        var network = prefix.ToIPNetwork();

        network.ToString().Should().Be(text);
        Prefix.Create(network).Should().Be(prefix);
    }
}
