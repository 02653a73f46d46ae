using System.Net;
using Mesh.KvStore.Cilium.Values;
using Mesh.NodeAgent.IpCache;
using Mesh.Testing;

namespace Mesh.NodeAgent.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class IpCacheTests
{
    private static readonly IPAddress ThisNode = IPAddress.Parse("172.18.0.2");

    [Fact]
    public void FromPair_EndpointOnThisNode_NoTunnel_OtherNodeTunnelsToIt()
    {
        var local = IpCacheConversion.FromPair(Pair("10.1.0.5", "172.18.0.2", 65_600), 1, local: true, ThisNode)!;
        var remote = IpCacheConversion.FromPair(Pair("10.2.0.5", "172.19.0.3", 131_100), 2, local: false, ThisNode)!;

        local.Should().Be(new IpCacheEntry(IPNetwork.Parse("10.1.0.5/32"), 65_600, null, 1, 0, IpCacheSource.LocalEndpoint));
        remote.Should().Be(new IpCacheEntry(IPNetwork.Parse("10.2.0.5/32"), 131_100, IPAddress.Parse("172.19.0.3"), 2, 0, IpCacheSource.RemoteEndpoint));
        remote.IsRemoteCluster.Should().BeTrue();
    }

    [Fact]
    public void FromPair_CidrEntryAndIPv6_PrefixMasked()
    {
        var cidr = IpCacheConversion.FromPair(Pair("10.3.7.9", null, 16_777_217) with { PrefixLength = 16 }, 0, local: false, ThisNode)!;
        var v6 = IpCacheConversion.FromPair(Pair("fd00::5", null, 70_000), 1, local: false, ThisNode)!;

        cidr.Prefix.Should().Be(IPNetwork.Parse("10.3.0.0/16"));
        v6.Prefix.Should().Be(IPNetwork.Parse("fd00::5/128"));
    }

    [Fact]
    public void FromNode_ThisNodeIsHostOthersRemoteNodeHealthIsHealth()
    {
        var node = new ClusterNode
        {
            Name = "n2",
            Cluster = "c2",
            ClusterId = 2,
            IpAddresses = [new NodeAddress("InternalIP", IPAddress.Parse("172.19.0.3")), new NodeAddress("CiliumInternalIP", IPAddress.Parse("10.2.0.1"))],
            IPv4HealthIp = "10.2.0.2",
        };

        var remote = IpCacheConversion.FromNode(node, local: false, isThisNode: false);
        var self = IpCacheConversion.FromNode(node, local: true, isThisNode: true);

        remote.Select(e => (e.Prefix.ToString(), e.Identity, e.TunnelEndpoint?.ToString())).Should().Equal(
            ("172.19.0.3/32", ReservedIdentities.RemoteNode, null),
            ("10.2.0.1/32", ReservedIdentities.RemoteNode, null),
            ("10.2.0.2/32", ReservedIdentities.Health, "172.19.0.3"));
        self.Select(e => e.Identity).Should().Equal(ReservedIdentities.Host, ReservedIdentities.Host, ReservedIdentities.Health);
    }

    [Fact]
    public void Resolver_TwoClustersClaimOneIp_LocalWinsRegardlessOfOrderAndRemoteReturnsWhenLocalGoes()
    {
        var prefix = IPNetwork.Parse("10.0.0.1/32");
        var local = new IpCacheEntry(prefix, 65_600, null, 1, 0, IpCacheSource.LocalEndpoint);
        var remote = new IpCacheEntry(prefix, 131_100, IPAddress.Parse("172.19.0.3"), 2, 0, IpCacheSource.RemoteEndpoint);
        var resolver = new IpCacheResolver();

        resolver.Upsert("cluster/c2", remote).Should().Be(new IpCacheChange(prefix, remote));
        resolver.Upsert("endpoint/default/pod", local).Should().Be(new IpCacheChange(prefix, local));
        resolver.Upsert("cluster/c2", remote with { Identity = 131_101 }).Should().BeNull("the local claim still wins");

        resolver.Remove("endpoint/default/pod", prefix).Should().Be(new IpCacheChange(prefix, remote with { Identity = 131_101 }));
        resolver.Remove("cluster/c2", prefix).Should().Be(new IpCacheChange(prefix, null));
        resolver.Count.Should().Be(0);
    }

    [Fact]
    public void Resolver_TwoRemoteClusters_LowerClusterIdWins()
    {
        var prefix = IPNetwork.Parse("10.0.0.1/32");
        var resolver = new IpCacheResolver();
        resolver.Upsert("cluster/c9", new IpCacheEntry(prefix, 9 << 16, null, 9, 0, IpCacheSource.RemoteEndpoint));
        resolver.Upsert("cluster/c3", new IpCacheEntry(prefix, 3 << 16, null, 3, 0, IpCacheSource.RemoteEndpoint));

        resolver.Lookup(prefix)!.ClusterId.Should().Be(3);
    }

    [Fact]
    public void Resolver_SameClaimTwice_NoChange()
    {
        var entry = new IpCacheEntry(IPNetwork.Parse("10.0.0.1/32"), 70_000, null, 1, 0, IpCacheSource.RemoteEndpoint);
        var resolver = new IpCacheResolver();
        resolver.Upsert("cluster/c1", entry);

        resolver.Upsert("cluster/c1", entry).Should().BeNull();
        resolver.Remove("cluster/unknown", entry.Prefix).Should().BeNull();
    }

    private static IpIdentityPair Pair(string ip, string? host, uint id) => new()
    {
        Ip = IPAddress.Parse(ip),
        HostIp = host is null ? null : IPAddress.Parse(host),
        Id = id,
    };
}
