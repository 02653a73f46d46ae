using Mesh.Bgp.Config.Plan;
using Mesh.Kubernetes.Reading;
using Mesh.Testing;

namespace Mesh.Bgp.Config.Tests;

/// <summary>Invalid resources give an error naming resource and field, never an exception, and block only the peers they affect.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class BadConfigTests
{
    private static NodeBgpPlan Plan(params string[] yaml) => BgpNodePlanner.Plan(Manifests.Input("node-a", yaml));

    [Theory]
    [InlineData("keepAliveTimeSeconds: 3", "keepAliveTimeSeconds: 30", "CiliumBGPPeerConfig tor: spec.timers.keepAliveTimeSeconds: 30 must not exceed holdTimeSeconds (9)")]
    [InlineData("peerAddress: 10.0.1.1", "peerAddress: 10.0.1.300", "CiliumBGPClusterConfig tor-peering: spec.bgpInstances[0].peers[0].peerAddress: '10.0.1.300' is not an IP address")]
    [InlineData("peerConfigRef: {name: tor}", "peerConfigRef: {name: nope}", "CiliumBGPClusterConfig tor-peering: spec.bgpInstances[0].peers[0].peerConfigRef.name: CiliumBGPPeerConfig 'nope' does not exist")]
    [InlineData("{afi: ipv4, safi: unicast,", "{afi: ipv5, safi: unicast,", "CiliumBGPPeerConfig tor: spec.families[0].afi: 'ipv5' is not ipv4 or ipv6")]
    [InlineData("{afi: ipv4, safi: unicast,", "{afi: ipv4, safi: multicast,", "CiliumBGPPeerConfig tor: spec.families[0].safi: 'multicast' is not supported (unicast only)")]
    [InlineData("    localASN: 65001\n", "", "CiliumBGPClusterConfig tor-peering: spec.bgpInstances[0].localASN: missing (and no node override sets it)")]
    public void Plan_InvalidPeerSetting_PeerBlockedWithNamedField(string find, string replace, string expected)
    {
        var plan = Plan(Manifests.Node, Manifests.SpecExample.Replace(find, replace, StringComparison.Ordinal), Manifests.Secret);

        plan.Errors.Select(e => e.ToString()).Should().Contain(expected);
        plan.Peers.Single().IsValid.Should().BeFalse();
    }

    [Theory]
    [InlineData("standard: [\"65001:200\"]", "standard: [\"65001:x\"]", "CiliumBGPAdvertisement default: spec.advertisements[1].attributes.communities.standard[0]: '65001:x' is not a community (ASN:value or a 32-bit number)")]
    [InlineData("wellKnown: [no-export]", "wellKnown: [no-exprot]", "CiliumBGPAdvertisement default: spec.advertisements[1].attributes.communities.wellKnown[0]: 'no-exprot' is not a well-known community name")]
    [InlineData("large: [\"65001:1:1\"]", "large: [\"65001:1\"]", "CiliumBGPAdvertisement default: spec.advertisements[0].attributes.communities.large[0]: '65001:1' is not a large community (a:b:c)")]
    [InlineData("addresses: [LoadBalancerIP]", "addresses: [NodeIP]", "CiliumBGPAdvertisement default: spec.advertisements[1].service.addresses[0]: 'NodeIP' is not LoadBalancerIP, ClusterIP or ExternalIP")]
    [InlineData("advertisementType: PodCIDR", "advertisementType: PodCidr", "CiliumBGPAdvertisement default: spec.advertisements[0].advertisementType: 'PodCidr' is not PodCIDR, CiliumPodIPPool, Service or Interface")]
    [InlineData("- advertisementType: PodCIDR", "- advertisementType: PodCIDR\n    selector: {matchLabels: {a: b}}", "CiliumBGPAdvertisement default: spec.advertisements[0].selector: not allowed for PodCIDR")]
    public void Plan_InvalidAdvertisement_SelectingPeerKeepsItsRoutes(string find, string replace, string expected)
    {
        var plan = Plan(Manifests.Node, Manifests.SpecExample.Replace(find, replace, StringComparison.Ordinal), Manifests.Secret);

        plan.Errors.Select(e => e.ToString()).Should().Contain(expected);
        var peer = plan.Peers.Single();
        peer.IsValid.Should().BeFalse();
        peer.Errors.Select(e => e.ToString()).Should().Contain("CiliumBGPPeerConfig tor: spec.families: selects CiliumBGPAdvertisement default, which is invalid; this peer keeps its current routes");
    }

    [Fact]
    public void Plan_InvalidPeerAmongValidOnes_OnlyThatPeerBlocked()
    {
        var yaml = Manifests.SpecExample.Replace(
            "    - {name: tor-a, peerASN: 65000, peerAddress: 10.0.1.1, peerConfigRef: {name: tor}}",
            "    - {name: tor-a, peerASN: 65000, peerAddress: 10.0.1.1, peerConfigRef: {name: tor}}\n    - {name: tor-b, peerASN: 65000, peerAddress: bogus}",
            StringComparison.Ordinal);

        var plan = Plan(Manifests.Node, yaml, Manifests.Secret);

        plan.Peers.Select(p => (p.Key, p.IsValid)).Should().Equal(("main/tor-a", true), ("main/tor-b", false));
    }

    [Fact]
    public void Plan_DuplicatePeerAddress_SecondBlocked()
    {
        var yaml = Manifests.SpecExample.Replace(
            "    - {name: tor-a, peerASN: 65000, peerAddress: 10.0.1.1, peerConfigRef: {name: tor}}",
            "    - {name: tor-a, peerASN: 65000, peerAddress: 10.0.1.1, peerConfigRef: {name: tor}}\n    - {name: tor-b, peerASN: 65000, peerAddress: 10.0.1.1}",
            StringComparison.Ordinal);

        var plan = Plan(Manifests.Node, yaml, Manifests.Secret);

        plan.Errors.Select(e => e.ToString()).Should().Contain("CiliumBGPClusterConfig tor-peering: spec.bgpInstances[0].peers[1].peerAddress: 10.0.1.1 is already a peer of this node");
    }

    [Fact]
    public void Plan_AutoDiscoveryWithoutAddress_Unsupported()
    {
        var yaml = Manifests.SpecExample.Replace("peerAddress: 10.0.1.1,", "autoDiscovery: {mode: DefaultGateway, defaultGateway: {addressFamily: ipv4}},", StringComparison.Ordinal);

        Plan(Manifests.Node, yaml, Manifests.Secret).Errors.Select(e => e.ToString()).Should()
            .Contain("CiliumBGPClusterConfig tor-peering: spec.bgpInstances[0].peers[0].autoDiscovery.mode: auto-discovery ('DefaultGateway') is not supported; set peerAddress");
    }

    [Fact]
    public void Plan_BadOverride_NamesOverrideField()
    {
        var plan = Plan(Manifests.Node, Manifests.SpecExample, Manifests.Secret,
            "apiVersion: cilium.io/v2\nkind: CiliumBGPNodeConfigOverride\nmetadata: {name: node-a}\nspec:\n  bgpInstances: [{name: main, routerID: 'fd00::1'}]\n");

        plan.Errors.Select(e => e.ToString()).Should().Contain("CiliumBGPNodeConfigOverride node-a: spec.bgpInstances[0].routerID: 'fd00::1' is not a non-zero IPv4 address");
        plan.Instances.Should().BeEmpty();
    }

    [Fact]
    public void Plan_NoRouterIdAnywhere_ErrorNamesInstance()
    {
        var plan = BgpNodePlanner.Plan(Manifests.Input("node-x", Manifests.SpecExample.Replace("  nodeSelector: {matchLabels: {bgp: enabled}}\n", string.Empty, StringComparison.Ordinal)));

        plan.Errors.Select(e => e.ToString()).Should().Contain(e => e.StartsWith("CiliumBGPClusterConfig tor-peering: spec.bgpInstances[0]: no router ID for node node-x", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("localASN: 65001", "localASN: sixty", "spec.bgpInstances[0].localASN: expected an integer, got sixty")]
    [InlineData("localASN: 65001", "localASN: 4294967296", "spec.bgpInstances[0].localASN: 4294967296 is outside 1..4294967295")]
    [InlineData("holdTimeSeconds: 9", "holdTimeSeconds: 2", "spec.timers.holdTimeSeconds: 2 is outside 3..65535")]
    [InlineData("restartTimeSeconds: 60", "restartTimeSeconds: 5000", "spec.gracefulRestart.restartTimeSeconds: 5000 is outside 1..4095")]
    [InlineData("operator: DoesNotExist", "operator: Missing", "spec.advertisements[1].selector.matchExpressions[0].operator: 'Missing' is not In, NotIn, Exists or DoesNotExist")]
    [InlineData("- name: main", "- localASN: 1", "spec.bgpInstances[0].name: missing")]
    [InlineData("advertisements:\n  - advertisementType", "advertisements: 7\n  - advertisementType", "")]
    public void Read_StructurallyInvalidResource_ExceptionNamesField(string find, string replace, string expected)
    {
        var yaml = Manifests.SpecExample.Replace(find, replace, StringComparison.Ordinal);

        var act = () => Manifests.Store(yaml);

        if (expected.Length == 0)
        {
            // Not even YAML: the manifest source reports the line and keeps the file's previous objects.
            act.Should().Throw<YamlDotNet.Core.YamlException>();
            return;
        }
        act.Should().Throw<KubeObjectException>().Which.Message.Should().Be(expected);
    }

    [Fact]
    public void Read_BadSecretData_NamesKey()
    {
        var act = () => Manifests.Store("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: kube-system}\ndata: {password: '***'}\n");

        act.Should().Throw<KubeObjectException>().Which.Message.Should().Be("data.password: is not base64");
    }
}
