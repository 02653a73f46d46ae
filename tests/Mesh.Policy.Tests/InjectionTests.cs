using Mesh.Testing;
using static Mesh.Policy.Tests.Vectors;

namespace Mesh.Policy.Tests;

/// <summary>Spec §1.7 (namespace and cluster injection) and §1.10 (KNP translation) through their selections.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class InjectionTests
{
    [Fact]
    public void CnpPeer_NamespaceLabelsKey_NamespaceRestrictionLifted()
    {
        var engine = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {io.cilium.k8s.namespace.labels.team: a}}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(In(65602)), A(Eg(0))]);
    }

    [Fact]
    public void CnpPeer_ReservedKey_NoInjection()
    {
        var engine = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {'reserved:host': ''}}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(In(1)), A(Eg(0))]);
    }

    [Fact]
    public void CnpPeer_ExplicitNamespace_OtherNamespaceSelected()
    {
        var engine = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system}}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(In(65603)), A(Eg(0))]);
    }

    [Fact]
    public void CcnpPeer_EmptySelector_EveryLocalPodNotReserved()
    {
        var engine = Engine(null, Ccnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(In(65600)), A(In(65601)), A(In(65602)), A(In(65603)), A(Eg(0))]);
    }

    [Fact]
    public void Knp_PodSelectorPeer_OwnNamespaceLocalCluster()
    {
        var engine = Engine(null, Knp("{podSelector: {matchLabels: {app: backend}}, ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{port: 80}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(In(65600, Tcp, 80, 16)), A(Eg(0))]);
    }

    [Fact]
    public void Knp_NamespaceSelectorPeer_NamespaceLabelsAnyNamespace()
    {
        var engine = Engine(null, Knp("{podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(In(65602)), A(Eg(0))]);
    }

    [Fact]
    public void Knp_EmptyNamespaceSelector_EveryLocalPod()
    {
        var engine = Engine(null, Knp("{podSelector: {}, ingress: [{from: [{namespaceSelector: {}}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(In(65600)), A(In(65601)), A(In(65602)), A(In(65603)), A(Eg(0))]);
    }

    [Fact]
    public void Knp_NoRulesDefaultTypes_IngressDefaultDenyOnly()
    {
        var engine = Engine(null, Knp("{podSelector: {}}"));

        Map(engine).Should().BeEquivalentTo([A(Eg(0))]);
    }

    [Fact]
    public void Knp_EgressTypeOnly_EgressDenyIngressOpen()
    {
        var engine = Engine(null, Knp("{podSelector: {}, policyTypes: [Egress]}"));

        Map(engine).Should().BeEquivalentTo([A(In(0))]);
    }

    [Fact]
    public void Knp_EmptyFromWithPortRange_WildcardIdentity()
    {
        var engine = Engine(null, Knp("{podSelector: {}, ingress: [{ports: [{protocol: UDP, port: 30000, endPort: 30001}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(In(0, Udp, 30000, 15)), A(Eg(0))]);
    }

    [Fact]
    public void Knp_IpBlockWithExcept_CidrIdentities()
    {
        var engine = Engine(null, Knp("{podSelector: {}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.96.0.0/12]}}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(Eg(16777217)), A(In(0))]);
    }

    [Fact]
    public void Knp_DefaultLocalClusterOff_RemotePodsSelected()
    {
        var engine = Engine(Options with { PolicyDefaultLocalCluster = false }, Knp("{podSelector: {matchLabels: {app: backend}}, ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]}]}"));

        Map(engine).Should().BeEquivalentTo([A(In(65600)), A(In(131200)), A(Eg(0))]);
    }
}
