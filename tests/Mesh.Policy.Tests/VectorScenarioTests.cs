using Mesh.Policy.Labels;
using Mesh.Testing;
using static Mesh.Policy.Tests.Vectors;

namespace Mesh.Policy.Tests;

/// <summary>Spec §5 vectors V1-V10: policies and identities in, the backend's map state and verdicts out.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class VectorScenarioTests
{
    private const string V2 = "{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}]}]}";

    [Fact]
    public void V1_NoPolicy_AllowAllBothDirections()
    {
        var engine = Engine();

        Map(engine).Should().BeEquivalentTo([A(In(0)), A(Eg(0))]);
        Allowed(engine, TrafficDirection.Ingress, 2, Tcp, 22).Should().BeTrue();
        Allowed(engine, TrafficDirection.Egress, 16777218, Udp, 53).Should().BeTrue();
    }

    [Fact]
    public void V2_BasicL3_LocalClusterOnly()
    {
        var engine = Engine(null, Cnp(V2));

        Map(engine).Should().BeEquivalentTo([A(In(65600)), A(Eg(0))]);
        Allowed(engine, TrafficDirection.Ingress, 65600, Tcp, 80).Should().BeTrue();
        Allowed(engine, TrafficDirection.Ingress, 131200, Tcp, 80).Should().BeFalse();
        Allowed(engine, TrafficDirection.Ingress, 65602, Tcp, 80).Should().BeFalse();
        Allowed(engine, TrafficDirection.Ingress, 2, Tcp, 80).Should().BeFalse();
        Allowed(engine, TrafficDirection.Egress, 2, Tcp, 443).Should().BeTrue();
    }

    [Fact]
    public void V2_PeerSelector_InjectedWithNamespaceAndCluster()
    {
        var engine = Engine(null, Cnp(V2));

        var peer = engine.Cache.SelectorsOf(65600).Should().ContainSingle().Subject;
        peer.Selector.Key.Should().Be("any:app=frontend&k8s:io.cilium.k8s.policy.cluster=cluster1&k8s:io.kubernetes.pod.namespace=default");
        peer.Selections.Should().BeEquivalentTo([65600u]);
    }

    [Fact]
    public void V3_DefaultLocalClusterOff_SelectsBothClusters()
    {
        var engine = Engine(Options with { PolicyDefaultLocalCluster = false }, Cnp(V2));

        Map(engine).Should().BeEquivalentTo([A(In(65600)), A(In(131200)), A(Eg(0))]);
        Allowed(engine, TrafficDirection.Ingress, 131200, Tcp, 80).Should().BeTrue();
    }

    [Fact]
    public void V4a_ClusterLabelInPeer_SelectsThatClusterOnly()
    {
        var engine = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend, io.cilium.k8s.policy.cluster: cluster2}}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(In(131200)), A(Eg(0))]);
        Allowed(engine, TrafficDirection.Ingress, 131200, Tcp, 80).Should().BeTrue();
        Allowed(engine, TrafficDirection.Ingress, 65600, Tcp, 80).Should().BeFalse();
    }

    [Fact]
    public void V4b_ClusterKeyExists_SelectsAllClusters()
    {
        var engine = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend}, matchExpressions: [{key: io.cilium.k8s.policy.cluster, operator: Exists}]}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(In(65600)), A(In(131200)), A(Eg(0))]);
        Allowed(engine, TrafficDirection.Ingress, 131200, Tcp, 80).Should().BeTrue();
        Allowed(engine, TrafficDirection.Ingress, 65600, Tcp, 80).Should().BeTrue();
    }

    [Fact]
    public void V5_PortRange_OnePrefixKey()
    {
        var engine = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}], toPorts: [{ports: [{port: '8080', endPort: 8095, protocol: TCP}]}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(In(65600, Tcp, 8080, 12)), A(Eg(0))]);
        var key = In(65600, Tcp, 8080, 12);
        key.PrefixLength.Should().Be(60);
        Map(engine)[key].LpmPrefixLength.Should().Be(20);
        Allowed(engine, TrafficDirection.Ingress, 65600, Tcp, 8085).Should().BeTrue();
        Allowed(engine, TrafficDirection.Ingress, 65600, Tcp, 8096).Should().BeFalse();
        Allowed(engine, TrafficDirection.Ingress, 65600, Udp, 8085).Should().BeFalse();
        Allowed(engine, TrafficDirection.Ingress, 131200, Tcp, 8085).Should().BeFalse();
    }

    [Fact]
    public void V6_L4OnlyProtocolAny_ThreeProtocolsOnIdentityZero()
    {
        var engine = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{toPorts: [{ports: [{port: '443'}]}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(In(0, Tcp, 443, 16)), A(In(0, Udp, 443, 16)), A(In(0, Sctp, 443, 16)), A(Eg(0))]);
        Allowed(engine, TrafficDirection.Ingress, 2, Tcp, 443).Should().BeTrue();
        Allowed(engine, TrafficDirection.Ingress, 2, Udp, 443).Should().BeTrue();
        Allowed(engine, TrafficDirection.Ingress, 65600, Tcp, 80).Should().BeFalse();
        Allowed(engine, TrafficDirection.Ingress, 65600, Icmp, 8).Should().BeFalse();
    }

    [Fact]
    public void V7_WildcardL4DenyOverridesL3Allow_ClusterEntity()
    {
        var engine = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEntities: [cluster]}], ingressDeny: [{toPorts: [{ports: [{port: '22', protocol: TCP}]}]}]}"));

        uint[] cluster = [1, 3, 4, 5, 6, 7, 8, 65600, 65601, 65602, 65603];
        Map(engine).Should().BeEquivalentTo(cluster.Select(id => A(In(id))).Append(D(In(0, Tcp, 22, 16))).Append(A(Eg(0))));
        var drop = engine.Evaluate(Backend, TrafficDirection.Ingress, 65600, Tcp, 22);
        drop.Allowed.Should().BeFalse();
        drop.Key.Should().Be(In(0, Tcp, 22, 16));
        Allowed(engine, TrafficDirection.Ingress, 65600, Tcp, 80).Should().BeTrue();
        Allowed(engine, TrafficDirection.Ingress, 6, Tcp, 80).Should().BeTrue();
        Allowed(engine, TrafficDirection.Ingress, 131200, Tcp, 80).Should().BeFalse();
        Allowed(engine, TrafficDirection.Ingress, 2, Tcp, 80).Should().BeFalse();
    }

    [Fact]
    public void V8_DenyRangeCoversNarrowerAllow_AllowNotPresent()
    {
        var engine = Engine(null, Cnp("""
            {endpointSelector: {matchLabels: {app: backend}},
             egress: [{toEndpoints: [{matchLabels: {app: frontend}}], toPorts: [{ports: [{port: '5432', protocol: TCP}, {port: '6379', protocol: TCP}]}]}],
             egressDeny: [{toEndpoints: [{matchLabels: {app: frontend}}], toPorts: [{ports: [{port: '5400', endPort: 5499, protocol: TCP}]}]}]}
            """));

        Map(engine).Should().BeEquivalentTo(
        [
            D(Eg(65600, Tcp, 5400, 13)), D(Eg(65600, Tcp, 5408, 11)), D(Eg(65600, Tcp, 5440, 11)),
            D(Eg(65600, Tcp, 5472, 12)), D(Eg(65600, Tcp, 5488, 13)), D(Eg(65600, Tcp, 5496, 14)),
            A(Eg(65600, Tcp, 6379, 16)), A(In(0)),
        ]);
        Allowed(engine, TrafficDirection.Egress, 65600, Tcp, 5432).Should().BeFalse();
        Allowed(engine, TrafficDirection.Egress, 65600, Tcp, 5499).Should().BeFalse();
        Allowed(engine, TrafficDirection.Egress, 65600, Tcp, 6379).Should().BeTrue();
        Allowed(engine, TrafficDirection.Egress, 65600, Tcp, 5500).Should().BeFalse();
    }

    [Fact]
    public void V9_CidrWithExcept_CidrIdentitiesOnly()
    {
        var engine = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: backend}}, egress: [{toCIDR: ['20.1.1.1/32']}, {toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.96.0.0/12]}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(Eg(16777219)), A(Eg(16777217)), A(In(0))]);
        Allowed(engine, TrafficDirection.Egress, 16777217, Tcp, 443).Should().BeTrue();
        Allowed(engine, TrafficDirection.Egress, 16777218, Tcp, 443).Should().BeFalse();
        Allowed(engine, TrafficDirection.Egress, 2, Tcp, 443).Should().BeFalse();
        Allowed(engine, TrafficDirection.Egress, 65600, Tcp, 443).Should().BeFalse();
        engine.CidrIdentities.Should().BeEquivalentTo(new Dictionary<Cidr.CidrPrefix, uint>
        {
            [Cidr.CidrPrefix.Parse("10.0.0.0/8")] = 16777217,
            [Cidr.CidrPrefix.Parse("10.96.0.0/12")] = 16777218,
            [Cidr.CidrPrefix.Parse("20.1.1.1/32")] = 16777219,
        });
    }

    [Fact]
    public void V10_EntitiesWithPort_KubeApiserverAndWorld()
    {
        var engine = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: backend}}, egress: [{toEntities: [kube-apiserver], toPorts: [{ports: [{port: '443', protocol: TCP}]}]}, {toEntities: [world], toPorts: [{ports: [{port: '443', protocol: TCP}]}]}]}"));

        uint[] selected = [7, 2, 16777217, 16777218, 16777219];
        Map(engine).Should().BeEquivalentTo(selected.Select(id => A(Eg(id, Tcp, 443, 16))).Append(A(In(0))));
        Allowed(engine, TrafficDirection.Egress, 7, Tcp, 443).Should().BeTrue();
        Allowed(engine, TrafficDirection.Egress, 7, Tcp, 6443).Should().BeFalse();
        Allowed(engine, TrafficDirection.Egress, 6, Tcp, 443).Should().BeFalse();
        Allowed(engine, TrafficDirection.Egress, 16777219, Tcp, 443).Should().BeTrue();
        Allowed(engine, TrafficDirection.Egress, 2, Udp, 443).Should().BeFalse();
    }

    [Fact]
    public void V2Incremental_LocalFrontendAdded_OnlyItsKeyAdded()
    {
        var engine = Engine(null, Cnp(V2));
        engine.TakeChanges(Backend);

        engine.UpsertIdentity(65604, LabelSet.Parse(Pod("frontend", "default", null, "cluster1")));

        engine.TakeChanges(Backend).Should().Equal(new Maps.PolicyMapChange(Backend, In(65604), A(In(65604)).Value));
        Allowed(engine, TrafficDirection.Ingress, 65604, Tcp, 80).Should().BeTrue();
    }

    [Fact]
    public void V2Incremental_IdentityDeleted_EveryKeyWithItRemoved()
    {
        var engine = Engine(null, Cnp(V2));
        engine.UpsertIdentity(65604, LabelSet.Parse(Pod("frontend", "default", null, "cluster1")));
        engine.TakeChanges(Backend);

        engine.DeleteIdentity(65604);

        engine.TakeChanges(Backend).Should().Equal(new Maps.PolicyMapChange(Backend, In(65604), null));
        Map(engine).Keys.Should().NotContain(k => k.Identity == 65604);
    }

    [Fact]
    public void V2Incremental_RemoteFrontend_NoChange()
    {
        var engine = Engine(null, Cnp(V2));
        engine.TakeChanges(Backend);

        engine.UpsertIdentity(131202, LabelSet.Parse(Pod("frontend", "default", null, "cluster2")));

        engine.TakeChanges(Backend).Should().BeEmpty();
    }

    [Fact]
    public void V3Incremental_RemoteFrontend_KeyAdded()
    {
        var engine = Engine(Options with { PolicyDefaultLocalCluster = false }, Cnp(V2));
        engine.TakeChanges(Backend);

        engine.UpsertIdentity(131202, LabelSet.Parse(Pod("frontend", "default", null, "cluster2")));

        engine.TakeChanges(Backend).Should().Equal(new Maps.PolicyMapChange(Backend, In(131202), A(In(131202)).Value));
    }
}
