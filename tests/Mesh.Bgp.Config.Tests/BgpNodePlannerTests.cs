using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Config.Plan;
using Mesh.Testing;

namespace Mesh.Bgp.Config.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class BgpNodePlannerTests
{
    private static NodeBgpPlan Plan(params string[] yaml) => BgpNodePlanner.Plan(Manifests.Input("node-a", yaml));

    [Fact]
    public void Plan_SpecExample_GivesPeerWithTimersSecretGracefulRestartAndRoutes()
    {
        var plan = Plan(Manifests.Node, Manifests.SpecExample, Manifests.Secret, Manifests.Service("web", "172.20.0.10"));

        plan.Errors.Should().BeEmpty();
        plan.Instances.Should().ContainSingle().Which.Should().Be(new InstancePlan("main", 65001, IPAddress.Parse("10.0.1.2"), null));
        var peer = plan.Peers.Should().ContainSingle().Subject;
        peer.IsValid.Should().BeTrue();
        peer.Peer.Should().Be(new DesiredPeer("main", "tor-a", IPAddress.Parse("10.0.1.1"), 65001, 65000, IPAddress.Parse("10.0.1.2"))
        {
            HoldTimeSeconds = 9,
            KeepaliveTimeSeconds = 3,
            ConnectRetryTimeSeconds = 5,
            Password = "mesh-md5",
            GracefulRestart = true,
            RestartTimeSeconds = 60,
            Families = new[] { AfiSafi.IPv4Unicast },
        });
        // Only the ipv4 family is configured: the IPv6 pod CIDR is not advertised.
        peer.Routes.Keys.Should().BeEquivalentTo([Prefix.Parse("10.244.1.0/24"), Prefix.Parse("172.20.0.10/32")]);
        peer.Routes[Prefix.Parse("10.244.1.0/24")].LargeCommunities.Should().Equal(new LargeCommunity(65001, 1, 1));
        peer.Routes[Prefix.Parse("10.244.1.0/24")].Communities.Should().BeEmpty();
        peer.Routes[Prefix.Parse("172.20.0.10/32")].Communities.Should().Equal(Community.Create(65001, 200), Community.NoExport);
    }

    [Fact]
    public void Plan_NodeSelectorDoesNotMatch_NothingRuns()
    {
        var plan = Plan(Manifests.Node.Replace("bgp: enabled", "bgp: disabled", StringComparison.Ordinal), Manifests.SpecExample, Manifests.Secret);

        plan.Instances.Should().BeEmpty();
        plan.Peers.Should().BeEmpty();
        plan.Issues.Should().BeEmpty();
    }

    [Fact]
    public void Plan_NoNodeSelector_SelectsEveryNode()
    {
        var plan = Plan(Manifests.Node.Replace("bgp: enabled", "other: x", StringComparison.Ordinal),
            Manifests.SpecExample.Replace("  nodeSelector: {matchLabels: {bgp: enabled}}\n", string.Empty, StringComparison.Ordinal), Manifests.Secret);

        plan.Peers.Should().ContainSingle().Which.IsValid.Should().BeTrue();
    }

    [Fact]
    public void Plan_ServiceSelectorExcludes_ServiceNotAdvertised()
    {
        var plan = Plan(Manifests.Node, Manifests.SpecExample, Manifests.Secret,
            Manifests.Service("web", "172.20.0.10"), Manifests.Service("hidden", "172.20.0.11", labels: "{bgp-exclude: 'yes'}"));

        plan.Peers.Single().Routes.Keys.Should().NotContain(Prefix.Parse("172.20.0.11/32")).And.Contain(Prefix.Parse("172.20.0.10/32"));
    }

    [Fact]
    public void Plan_ExternalTrafficPolicyLocal_AdvertisedOnlyWithLocalEndpoint()
    {
        var service = Manifests.Service("local", "172.20.0.12", policy: "Local");

        Plan(Manifests.Node, Manifests.SpecExample, Manifests.Secret, service, Manifests.EndpointSlice("local", "node-b"))
            .Peers.Single().Routes.Keys.Should().NotContain(Prefix.Parse("172.20.0.12/32"));
        Plan(Manifests.Node, Manifests.SpecExample, Manifests.Secret, service, Manifests.EndpointSlice("local", "node-a"))
            .Peers.Single().Routes.Keys.Should().Contain(Prefix.Parse("172.20.0.12/32"));
    }

    [Fact]
    public void Plan_ServiceAddressKindsAndAggregation_AdvertiseClusterExternalAndCoveringPrefixes()
    {
        const string config = """
            apiVersion: cilium.io/v2
            kind: CiliumBGPClusterConfig
            metadata: {name: c}
            spec:
              bgpInstances:
              - name: main
                localASN: 65001
                peers: [{name: tor, peerASN: 65000, peerAddress: "fd00:0:1::1", peerConfigRef: {name: p}}]
            ---
            apiVersion: cilium.io/v2
            kind: CiliumBGPPeerConfig
            metadata: {name: p}
            spec:
              families:
              - {afi: ipv4, safi: unicast, advertisements: {matchLabels: {adv: svc}}}
            ---
            apiVersion: cilium.io/v2
            kind: CiliumBGPAdvertisement
            metadata: {name: svc, labels: {adv: svc}}
            spec:
              advertisements:
              - advertisementType: Service
                service: {addresses: [ClusterIP, ExternalIP]}
                selector: {matchLabels: {io.kubernetes.service.name: web}}
              - advertisementType: Service
                service: {addresses: [LoadBalancerIP], aggregationLengthIPv4: 24}
                selector: {matchExpressions: [{key: io.kubernetes.service.namespace, operator: In, values: [default]}]}
            """;

        var routes = Plan(Manifests.Node, config, Manifests.Service("web", "172.20.0.10"), Manifests.Service("db", "172.20.0.77")).Peers.Single().Routes;

        routes.Keys.Should().BeEquivalentTo([Prefix.Parse("10.96.0.3/32"), Prefix.Parse("192.0.2.3/32"), Prefix.Parse("172.20.0.0/24")]);
    }

    [Fact]
    public void Plan_ServiceAdvertisementWithoutSelector_SelectsNoService()
    {
        var yaml = Manifests.SpecExample.Replace("    selector: {matchExpressions: [{key: bgp-exclude, operator: DoesNotExist}]}\n", string.Empty, StringComparison.Ordinal);

        Plan(Manifests.Node, yaml, Manifests.Secret, Manifests.Service("web", "172.20.0.10"))
            .Peers.Single().Routes.Keys.Should().Equal(Prefix.Parse("10.244.1.0/24"));
    }

    [Fact]
    public void Plan_InterfaceAdvertisement_HostRoutesOfTheInterface()
    {
        var yaml = Manifests.SpecExample.Replace("  - advertisementType: PodCIDR", "  - advertisementType: Interface\n    interface: {name: lo-bgp}\n  - advertisementType: PodCIDR", StringComparison.Ordinal);
        var input = Manifests.Input("node-a", Manifests.Node, yaml, Manifests.Secret) with
        {
            Interfaces = new Dictionary<string, IReadOnlyList<IPAddress>> { ["lo-bgp"] = [IPAddress.Parse("198.51.100.7"), IPAddress.Parse("fe80::1")] },
        };

        BgpNodePlanner.Plan(input).Peers.Single().Routes.Keys.Should().Contain(Prefix.Parse("198.51.100.7/32"));
    }

    [Fact]
    public void Plan_TwoAdvertisementsSelectSamePrefix_CommunitiesMergedAndHighestLocalPref()
    {
        const string second = """
            apiVersion: cilium.io/v2
            kind: CiliumBGPAdvertisement
            metadata: {name: extra, labels: {bgp-adv: default}}
            spec:
              advertisements:
              - advertisementType: PodCIDR
                attributes: {communities: {standard: ["65000:99", "65001:1"]}, localPreference: 200}
            """;

        var route = Plan(Manifests.Node, Manifests.SpecExample, Manifests.Secret, second).Peers.Single().Routes[Prefix.Parse("10.244.1.0/24")];

        route.Communities.Should().Equal(Community.Create(65000, 99), Community.Create(65001, 1));
        route.LargeCommunities.Should().Equal(new LargeCommunity(65001, 1, 1));
        route.LocalPref.Should().Be(200);
    }

    [Fact]
    public void Plan_DefaultFamiliesWithoutAdvertisements_BothFamiliesNoRoutes()
    {
        var yaml = Manifests.SpecExample[..Manifests.SpecExample.IndexOf("  families:", StringComparison.Ordinal)];

        var peer = Plan(Manifests.Node, yaml, Manifests.Secret).Peers.Single();

        peer.Peer!.Families.Should().Equal(AfiSafi.IPv6Unicast, AfiSafi.IPv4Unicast);
        peer.Routes.Should().BeEmpty();
    }

    [Fact]
    public void Plan_NodeOverride_SetsRouterIdLocalAsnPortAndLocalAddress()
    {
        const string nodeOverride = """
            apiVersion: cilium.io/v2
            kind: CiliumBGPNodeConfigOverride
            metadata: {name: node-a}
            spec:
              bgpInstances:
              - name: main
                routerID: 192.0.2.1
                localASN: 4200000001
                localPort: 1179
                peers: [{name: tor-a, localAddress: 10.0.1.2}]
            """;

        var plan = Plan(Manifests.Node, Manifests.SpecExample, Manifests.Secret, nodeOverride);

        plan.Instances.Single().Should().Be(new InstancePlan("main", 4200000001, IPAddress.Parse("192.0.2.1"), 1179));
        var peer = plan.Peers.Single().Peer!;
        peer.RouterId.Should().Be(IPAddress.Parse("192.0.2.1"));
        peer.LocalAsn.Should().Be(4200000001);
        peer.LocalAddress.Should().Be(IPAddress.Parse("10.0.1.2"));
    }

    [Fact]
    public void Plan_OverrideForAnotherNode_Ignored()
    {
        var plan = Plan(Manifests.Node, Manifests.SpecExample, Manifests.Secret,
            "apiVersion: cilium.io/v2\nkind: CiliumBGPNodeConfigOverride\nmetadata: {name: node-b}\nspec:\n  bgpInstances: [{name: main, routerID: 192.0.2.9}]\n");

        plan.Instances.Single().RouterId.Should().Be(IPAddress.Parse("10.0.1.2"));
    }

    [Fact]
    public void Plan_MissingSecret_WarnsAndRunsWithoutPassword()
    {
        var plan = Plan(Manifests.Node, Manifests.SpecExample);

        plan.Peers.Single().Peer!.Password.Should().BeNull();
        plan.Warnings.Should().ContainSingle().Which.ToString().Should()
            .Be("CiliumBGPPeerConfig tor: spec.authSecretRef: Secret kube-system/tor-md5 with key 'password' not found; the session runs without TCP MD5");
    }

    [Fact]
    public void Plan_DefaultRouterIdGiven_UsedInsteadOfNodeAddress()
    {
        var input = Manifests.Input("node-a", Manifests.Node, Manifests.SpecExample, Manifests.Secret) with { DefaultRouterId = IPAddress.Parse("10.9.9.9") };

        BgpNodePlanner.Plan(input).Instances.Single().RouterId.Should().Be(IPAddress.Parse("10.9.9.9"));
    }

    [Fact]
    public void Plan_AdvertisementChanged_PeerSessionParametersEqual()
    {
        var before = Plan(Manifests.Node, Manifests.SpecExample, Manifests.Secret).Peers.Single();
        var after = Plan(Manifests.Node, Manifests.SpecExample.Replace("65001:200", "65001:300", StringComparison.Ordinal), Manifests.Secret,
            Manifests.Service("web", "172.20.0.10")).Peers.Single();

        after.Peer.Should().Be(before.Peer);
        after.Routes.Should().NotBeEquivalentTo(before.Routes);
    }

    [Fact]
    public void Plan_RoutesWithEqualAttributes_ShareOneRecord()
    {
        var routes = Plan(Manifests.Node, Manifests.SpecExample, Manifests.Secret,
            Manifests.Service("web", "172.20.0.10"), Manifests.Service("api", "172.20.0.11")).Peers.Single().Routes;

        routes[Prefix.Parse("172.20.0.10/32")].Should().BeSameAs(routes[Prefix.Parse("172.20.0.11/32")]);
    }

    [Fact]
    public void Plan_TwoClusterConfigsSelectNode_FirstByNameWinsOtherReported()
    {
        var other = Manifests.SpecExample[..Manifests.SpecExample.IndexOf("---", StringComparison.Ordinal)].Replace("tor-peering", "zz-other", StringComparison.Ordinal);

        var plan = Plan(Manifests.Node, Manifests.SpecExample, Manifests.Secret, other);

        plan.Peers.Should().ContainSingle();
        plan.Errors.Should().ContainSingle().Which.Resource.Should().Be("CiliumBGPClusterConfig zz-other");
    }
}
