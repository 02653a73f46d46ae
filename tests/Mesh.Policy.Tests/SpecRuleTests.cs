using Mesh.Policy.Labels;
using Mesh.Testing;
using static Mesh.Policy.Tests.Vectors;

namespace Mesh.Policy.Tests;

/// <summary>
/// Rules of spec §1.6 (per-direction default deny), §1.7 (label sources, matchExpressions, injection) and §3.5
/// (conflict resolution on insert) that the vector, injection and map-state tests do not already pin down.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class SpecRuleTests
{
    private const string Subject = "endpointSelector: {matchLabels: {app: backend}}";
    private const string FromFrontend = "fromEndpoints: [{matchLabels: {app: frontend}}]";
    private static readonly TrafficDirection I = TrafficDirection.Ingress;
    private static readonly TrafficDirection E = TrafficDirection.Egress;

    // §1.6 ------------------------------------------------------------------------------------------------------

    [Fact]
    public void DefaultDeny_EgressFalseIngressUnset_PostureDecidedPerDirection()
    {
        var engine = Engine(null, Cnp($"{{{Subject}, enableDefaultDeny: {{egress: false}}, ingress: [{{{FromFrontend}}}], egressDeny: [{{toEndpoints: [{{matchLabels: {{app: frontend}}}}], toPorts: [{{ports: [{{port: '5432', protocol: TCP}}]}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(In(65600)), A(Eg(0)), D(Eg(65600, Tcp, 5432, 16))]);
        Allowed(engine, I, 2, Tcp, 80).Should().BeFalse("ingress keeps the default deny of a rule with ingress");
        Allowed(engine, E, 2, Tcp, 80).Should().BeTrue("egress false: wildcard allow synthesized");
        Allowed(engine, E, 65600, Tcp, 5432).Should().BeFalse("denies still apply under the synthesized allow");
        Allowed(engine, E, 65600, Tcp, 5433).Should().BeTrue();
    }

    [Fact]
    public void DefaultDeny_KnpWithCnpNonDefaultDeny_KnpDefaultDenyEnforces()
    {
        var engine = Engine(null,
            Cnp($"{{{Subject}, enableDefaultDeny: {{ingress: false}}, ingress: [{{fromEntities: [world]}}]}}"),
            Knp("{podSelector: {matchLabels: {app: backend}}, ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]}]}"));

        Map(engine).Should().NotContainKey(In(0), "a KNP is always default deny (§1.1), so no wildcard allow");
        Allowed(engine, I, 2, Tcp, 80).Should().BeTrue();
        Allowed(engine, I, 65600, Tcp, 80).Should().BeTrue();
        Allowed(engine, I, 65602, Tcp, 80).Should().BeFalse();
    }

    [Fact]
    public void DefaultDeny_EgressOnlyRule_IngressNotEnforced()
    {
        var engine = Engine(null, Cnp($"{{{Subject}, egress: [{{toEntities: [world]}}]}}"));

        Map(engine).Should().Contain(A(In(0)));
        Map(engine).Should().NotContainKey(Eg(0));
        Allowed(engine, I, 131200, Udp, 53).Should().BeTrue();
        Allowed(engine, E, 65600, Tcp, 80).Should().BeFalse();
    }

    // §1.7 ------------------------------------------------------------------------------------------------------

    [Fact]
    public void Selector_KeyWithoutSource_MatchesAnySource_K8sKeyOnlyK8s()
    {
        var anySource = Engine(null, Cnp($"{{{Subject}, ingress: [{{fromEndpoints: [{{matchLabels: {{app: frontend}}}}]}}]}}"));
        var k8sOnly = Engine(null, Cnp($"{{{Subject}, ingress: [{{fromEndpoints: [{{matchLabels: {{k8s:app: frontend}}}}]}}]}}"));
        var container = LabelSet.Parse(["container:app=frontend", "k8s:io.kubernetes.pod.namespace=default", "k8s:io.cilium.k8s.policy.cluster=cluster1"]);
        anySource.UpsertIdentity(65610, container);
        k8sOnly.UpsertIdentity(65610, container);

        Map(anySource).Should().BeEquivalentTo([A(In(65600)), A(In(65610)), A(Eg(0))]);
        Map(k8sOnly).Should().BeEquivalentTo([A(In(65600)), A(Eg(0))]);
    }

    [Theory]
    [InlineData("{key: app, operator: In, values: [frontend, backend]}", new uint[] { 65600, 65601 })]
    [InlineData("{key: app, operator: NotIn, values: [frontend]}", new uint[] { 65601, 65611 })]
    [InlineData("{key: app, operator: DoesNotExist}", new uint[] { 65611 })]
    [InlineData("{key: app, operator: Exists}", new uint[] { 65600, 65601 })]
    public void Selector_MatchExpressionOperators_KubernetesSemanticsInOwnNamespaceAndCluster(string expression, uint[] selected)
    {
        var engine = Engine(null, Cnp($"{{{Subject}, ingress: [{{fromEndpoints: [{{matchExpressions: [{expression}]}}]}}]}}"));
        engine.UpsertIdentity(65611, LabelSet.Parse(["k8s:role=db", "k8s:io.kubernetes.pod.namespace=default", "k8s:io.cilium.k8s.policy.cluster=cluster1"]));

        Map(engine).Keys.Where(k => k.Direction == TrafficDirection.Ingress).Select(k => k.Identity).Should().BeEquivalentTo(selected);
    }

    [Fact]
    public void ClusterInjection_K8sSourcedClusterKey_Suppressed()
    {
        var engine = Engine(null, Cnp($"{{{Subject}, ingress: [{{fromEndpoints: [{{matchLabels: {{app: frontend, k8s:io.cilium.k8s.policy.cluster: cluster2}}}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(In(131200)), A(Eg(0))]);
    }

    [Fact]
    public void ClusterInjection_ClusterKeyInExpression_Suppressed_BothClustersSelected()
    {
        var engine = Engine(null, Cnp($"{{{Subject}, ingress: [{{fromEndpoints: [{{matchLabels: {{app: frontend}}, matchExpressions: [{{key: io.cilium.k8s.policy.cluster, operator: In, values: [cluster1, cluster2]}}]}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(In(65600)), A(In(131200)), A(Eg(0))]);
    }

    [Fact]
    public void Subject_CcnpNoNamespaceInjected_CnpOwnNamespaceOnly()
    {
        var ccnp = Engine(null, Ccnp("{endpointSelector: {matchLabels: {app: frontend}}, ingress: [{fromEntities: [world]}]}"));
        var cnp = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: frontend}}, ingress: [{fromEntities: [world]}]}"));
        foreach (var engine in new[] { ccnp, cnp })
        {
            engine.UpsertEndpoint(43, 65600);
            engine.UpsertEndpoint(44, 65602);
        }

        ccnp.Evaluate(43, I, 65601, Tcp, 80).Allowed.Should().BeFalse();
        ccnp.Evaluate(44, I, 65601, Tcp, 80).Allowed.Should().BeFalse("a CCNP subject selects pods of every namespace");
        cnp.Evaluate(43, I, 65601, Tcp, 80).Allowed.Should().BeFalse();
        cnp.Evaluate(44, I, 65601, Tcp, 80).Allowed.Should().BeTrue("a CNP in default does not select the prod frontend");
    }

    // §3.5 ------------------------------------------------------------------------------------------------------

    [Fact]
    public void Deny_CoveredByBroaderDenyOfSameIdentity_Skipped()
    {
        var engine = Engine(null, Cnp($"{{{Subject}, egressDeny: [{{toEndpoints: [{{matchLabels: {{app: frontend}}}}], toPorts: [{{ports: [{{port: '5400', endPort: 5499, protocol: TCP}}, {{port: '5432', protocol: TCP}}]}}]}}]}}"));

        Map(engine).Keys.Where(k => k.Direction == TrafficDirection.Egress).Select(k => $"{k.Port}/{k.PortPrefixLength}").Should()
            .BeEquivalentTo(["5400/13", "5408/11", "5440/11", "5472/12", "5488/13", "5496/14"]);
    }

    [Fact]
    public void Allow_SameKeyFromTwoPolicies_MergedIntoOneEntry_KeptWhileEitherRemains()
    {
        var one = Cnp($"{{{Subject}, ingress: [{{{FromFrontend}}}]}}", "one");
        var engine = Engine(null, one, Cnp($"{{{Subject}, ingress: [{{{FromFrontend}}}]}}", "two"));

        Map(engine).Should().BeEquivalentTo([A(In(65600)), A(Eg(0))]);
        engine.DeletePolicy(Read(one));
        Map(engine).Should().BeEquivalentTo([A(In(65600)), A(Eg(0))]);
    }

    [Fact]
    public void Allow_OverlappingPrefixes_Coexist()
    {
        var engine = Engine(null, Cnp($"{{{Subject}, ingress: [{{{FromFrontend}, toPorts: [{{ports: [{{port: '80', endPort: 95, protocol: TCP}}, {{port: '80', protocol: TCP}}]}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(In(65600, Tcp, 80, 12)), A(In(65600, Tcp, 80, 16)), A(Eg(0))]);
    }

    [Fact]
    public void IdentityDeny_WildcardAllow_BothKept_DenyDecidesForThatIdentityOnly()
    {
        var engine = Engine(null, Cnp($"{{{Subject}, ingress: [{{toPorts: [{{ports: [{{port: '80', protocol: TCP}}]}}]}}], ingressDeny: [{{{FromFrontend}}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(In(0, Tcp, 80, 16)), D(In(65600)), A(Eg(0))]);
        Allowed(engine, I, 65600, Tcp, 80).Should().BeFalse();
        Allowed(engine, I, 131200, Tcp, 80).Should().BeTrue();
    }

    [Fact]
    public void WildcardDeny_AllPortsOfProtocol_DeletesNarrowerIdentityAllows()
    {
        var engine = Engine(null, Cnp($"{{{Subject}, ingress: [{{{FromFrontend}, toPorts: [{{ports: [{{port: '80', protocol: TCP}}, {{port: '53', protocol: UDP}}]}}]}}], ingressDeny: [{{toPorts: [{{ports: [{{port: '0', protocol: TCP}}]}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([D(In(0, Tcp, 0, 0)), A(In(65600, Udp, 53, 16)), A(Eg(0))]);
    }

    [Fact]
    public void ConflictResolution_PolicyOrder_SameMap()
    {
        var allow = Cnp($"{{{Subject}, ingress: [{{{FromFrontend}, toPorts: [{{ports: [{{port: '5432', protocol: TCP}}]}}]}}]}}", "allow");
        var deny = Cnp($"{{{Subject}, ingressDeny: [{{{FromFrontend}, toPorts: [{{ports: [{{port: '5400', endPort: 5499, protocol: TCP}}]}}]}}]}}", "deny");

        var first = Map(Engine(null, allow, deny));
        var second = Map(Engine(null, deny, allow));

        first.Should().BeEquivalentTo(second);
        first.Should().NotContainKey(In(65600, Tcp, 5432, 16));
    }
}
