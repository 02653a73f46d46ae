using System.Net;
using Mesh.KvStore.Cilium.Validation;
using Mesh.KvStore.Cilium.Values;
using Mesh.Testing;

namespace Mesh.KvStore.Cilium.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ValidationTests
{
    private static readonly RemoteClusterValidator Cluster3 = new("cluster3", 3, new ClusterLimits());

    [Theory]
    [InlineData(255u, 1u, 65536u, 131071u)]
    [InlineData(255u, 3u, 196608u, 262143u)]
    [InlineData(255u, 255u, 16711680u, 16777215u)]
    [InlineData(511u, 3u, 98304u, 131071u)]
    [InlineData(255u, 0u, 256u, 65535u)]
    public void IdentityRange_SpecTable_Matches(uint max, uint cluster, uint first, uint last)
    {
        var limits = new ClusterLimits(max);

        limits.IdentityRange(cluster).Should().Be((first, last));
        limits.ClusterOf(first).Should().Be(cluster);
        limits.ClusterOf(last).Should().Be(cluster);
    }

    [Fact]
    public void ClusterLimits_UnsupportedMax_Throws()
    {
        var act = () => new ClusterLimits(300);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*255 or 511*");
    }

    [Theory]
    [InlineData("cluster1", 1u, true)]
    [InlineData("a", 1u, true)]
    [InlineData("-bad", 1u, false)]
    [InlineData("Upper", 1u, false)]
    [InlineData("default", 1u, false)]
    [InlineData("default", 0u, true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", 1u, false)]
    public void CheckClusterName_Rules(string name, uint id, bool valid)
    {
        (ClusterLimits.CheckClusterName(name, id) is null).Should().Be(valid);
    }

    [Fact]
    public void CheckNode_OtherClusterOrId_RejectedWithReason()
    {
        var node = new ClusterNode { Name = "n1", Cluster = "cluster3", ClusterId = 3 };

        Cluster3.CheckNode("cluster3/n1", node).Should().BeNull();
        Cluster3.CheckNode("cluster3/n2", node)!.Reason.Should().Be(RejectionReason.KeyValueMismatch);
        Cluster3.CheckNode("cluster4/n1", node with { Cluster = "cluster4" })!.Reason.Should().Be(RejectionReason.ClusterNameMismatch);
        Cluster3.CheckNode("cluster3/n1", node with { ClusterId = 4 })!.Reason.Should().Be(RejectionReason.ClusterIdMismatch);
        Cluster3.CheckNode("cluster3/n1", node with { ClusterId = 300 })!.Reason.Should().Be(RejectionReason.ClusterIdOutOfRange);
        Cluster3.CheckNode("/n1", node with { Cluster = "" })!.Reason.Should().Be(RejectionReason.MissingField);
    }

    [Fact]
    public void CheckIpEntry_IdentityOutsideRange_RejectedButReservedAllowed()
    {
        var pair = new IpIdentityPair { Ip = IPAddress.Parse("10.0.0.1"), Id = 196609 };

        Cluster3.CheckIpEntry("10.0.0.1", pair).Should().BeNull();
        Cluster3.CheckIpEntry("10.0.0.1", pair with { Id = 6 }).Should().BeNull("reserved identities are valid from any cluster");
        Cluster3.CheckIpEntry("10.0.0.1", pair with { Id = 65537 })!.Reason.Should().Be(RejectionReason.IdentityOutOfRange);
        Cluster3.CheckIpEntry("10.0.0.2", pair)!.Reason.Should().Be(RejectionReason.KeyValueMismatch);
        Cluster3.CheckIpEntry("10.0.0.0/24", pair with { Ip = IPAddress.Parse("10.0.0.0"), PrefixLength = 24 }).Should().BeNull();
    }

    [Fact]
    public void CheckIdentity_LabelOfAnotherCluster_Rejected()
    {
        var own = IdentityLabels.Create([new IdentityLabel("k8s", "io.cilium.k8s.policy.cluster", "cluster3"), new IdentityLabel("k8s", "app", "x")]);
        var other = IdentityLabels.Create([new IdentityLabel("k8s", "io.cilium.k8s.policy.cluster", "cluster4")]);
        var wrongSource = IdentityLabels.Create([new IdentityLabel("unspec", "io.cilium.k8s.policy.cluster", "cluster3")]);

        Cluster3.CheckIdentity(196915, own).Should().BeNull();
        Cluster3.CheckIdentity(196915, other)!.Reason.Should().Be(RejectionReason.ClusterNameMismatch);
        Cluster3.CheckIdentity(196915, wrongSource)!.Reason.Should().Be(RejectionReason.ClusterNameMismatch);
        Cluster3.CheckIdentity(70000, own)!.Reason.Should().Be(RejectionReason.IdentityOutOfRange);
    }

    [Fact]
    public void CheckService_KeyOrFrontendInvalid_Rejected()
    {
        var service = new ClusterService { Cluster = "cluster3", Namespace = "ns", Name = "svc", ClusterId = 3, Shared = true };

        Cluster3.CheckService("ns/svc", service).Should().BeNull();
        Cluster3.CheckService("ns/other", service)!.Reason.Should().Be(RejectionReason.KeyValueMismatch);
        var badIp = service with { Backends = new Dictionary<string, IReadOnlyDictionary<string, L4Address>> { ["not-an-ip"] = new Dictionary<string, L4Address>() } };
        Cluster3.CheckService("ns/svc", badIp)!.Detail.Should().Contain("backends key 'not-an-ip'");
    }

    [Fact]
    public void CheckClusterConfig_Rules()
    {
        var local255 = new ClusterLimits();
        var local511 = new ClusterLimits(511);
        var good = new CiliumClusterConfig(3, new ClusterCapabilities { MaxConnectedClusters = 255 });

        RemoteClusterValidator.CheckClusterConfig("c3", good, local255, 1).Should().BeNull();
        RemoteClusterValidator.CheckClusterConfig("c3", good, local255, 3)!.Reason.Should().Be(RejectionReason.ClusterIdMismatch);
        RemoteClusterValidator.CheckClusterConfig("c3", good with { Id = 0 }, local255, 1)!.Reason.Should().Be(RejectionReason.ClusterIdOutOfRange);
        RemoteClusterValidator.CheckClusterConfig("c3", good, local511, 1)!.Reason.Should().Be(RejectionReason.MaxConnectedClustersMismatch);
        RemoteClusterValidator.CheckClusterConfig("c3", good with { Capabilities = new ClusterCapabilities { EndpointSlicesExportMode = "bogus" } }, local255, 1)!
            .Detail.Should().Contain("endpointSlicesExportMode 'bogus'");
    }
}
