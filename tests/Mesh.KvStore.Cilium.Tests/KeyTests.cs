using Mesh.KvStore.Cilium.Keys;
using Mesh.Testing;

namespace Mesh.KvStore.Cilium.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class KeyTests
{
    [Fact]
    public void Builders_ProduceCiliumKeys()
    {
        CiliumKeys.Identity(196915).Should().Be("cilium/state/identities/v1/id/196915");
        CiliumKeys.Ip("10.244.2.74").Should().Be("cilium/state/ip/v1/default/10.244.2.74");
        CiliumKeys.Node("cluster3", "test-node-2").Should().Be("cilium/state/nodes/v1/cluster3/test-node-2");
        CiliumKeys.Service("cluster3", "ns-alpha", "echo-service").Should().Be("cilium/state/services/v1/cluster3/ns-alpha/echo-service");
        CiliumKeys.ServiceExport("c", "ns", "svc").Should().Be("cilium/state/serviceexports/v1/c/ns/svc");
        CiliumKeys.ClusterConfig("cluster3").Should().Be("cilium/cluster-config/cluster3");
    }

    [Fact]
    public void SyncCanary_LocalCluster_FourSpecKeys()
    {
        var canaries = new[] { CiliumResource.Nodes, CiliumResource.Services, CiliumResource.Identities, CiliumResource.Ips }
            .Select(r => CiliumKeys.SyncCanary("cluster3", CiliumKeys.CanarySuffix(r, cached: false)));

        canaries.Should().Equal(
            "cilium/synced/cluster3/cilium/state/nodes/v1",
            "cilium/synced/cluster3/cilium/state/services/v1",
            "cilium/synced/cluster3/cilium/state/identities/v1",
            "cilium/synced/cluster3/cilium/state/ip/v1");
    }

    [Fact]
    public void CachePrefixFor_KvStoreMeshLayout()
    {
        CiliumKeys.CachePrefixFor(CiliumResource.Nodes, "R").Should().Be("cilium/cache/nodes/v1/R");
        CiliumKeys.CachePrefixFor(CiliumResource.Ips, "R").Should().Be("cilium/cache/ip/v1/R");
        CiliumKeys.CachePrefixFor(CiliumResource.Identities, "R").Should().Be("cilium/cache/identities/v1/R/id");
        CiliumKeys.SyncCanary("R", CiliumKeys.CanarySuffix(CiliumResource.Services, cached: true)).Should().Be("cilium/synced/R/cilium/cache/services/v1");
        CiliumKeys.SourcePrefix(CiliumResource.Ips, "R", cached: false).Should().Be("cilium/state/ip/v1/default");
    }

    [Theory]
    [InlineData(new[] { "a", "b" }, "a/b")]
    [InlineData(new[] { "/a/", "//b/" }, "a/b")]
    [InlineData(new[] { "a", "", "b/" }, "a/b")]
    public void Join_CollapsesSlashes(string[] parts, string expected)
    {
        CiliumKeys.Join(parts).Should().Be(expected);
    }

    [Fact]
    public void AsPrefix_AppendsSlashSoClusterOneDoesNotMatchClusterTen()
    {
        CiliumKeys.AsPrefix("cilium/state/nodes/v1/cluster1").Should().Be("cilium/state/nodes/v1/cluster1/");
        "cilium/state/nodes/v1/cluster10/n".StartsWith(CiliumKeys.AsPrefix("cilium/state/nodes/v1/cluster1"), StringComparison.Ordinal).Should().BeFalse();
    }
}
