using Mesh.Policy.Labels;
using Mesh.Policy.Maps;
using Mesh.Testing;
using static Mesh.Policy.Tests.Vectors;

namespace Mesh.Policy.Tests;

/// <summary>Spec §1.6 (default deny), §3.5 (deny wins) and §3.6 (special entries) as map-state scenarios.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class MapStateTests
{
    private const string Backend = "endpointSelector: {matchLabels: {app: backend}}";

    [Fact]
    public void DefaultDeny_IngressOnlyEmptyItem_EnforcedWithoutEntries()
    {
        var engine = Engine(null, Cnp($"{{{Backend}, ingress: [{{}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(Eg(0))]);
        engine.GetEndpointStatus(Vectors.Backend)!.IngressEnforced.Should().BeTrue();
        Allowed(engine, TrafficDirection.Ingress, 65600, Tcp, 80).Should().BeFalse();
    }

    [Fact]
    public void DefaultDeny_ExplicitEmptyPeerList_SelectsNothingEvenWithPorts()
    {
        var engine = Engine(null, Cnp($"{{{Backend}, ingress: [{{fromEndpoints: [], toPorts: [{{ports: [{{port: '80', protocol: TCP}}]}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(Eg(0))]);
    }

    [Fact]
    public void DefaultDeny_OnlyNonDefaultDenyRules_WildcardAllowPlusDenies()
    {
        var engine = Engine(null, Cnp($"{{{Backend}, enableDefaultDeny: {{ingress: false}}, ingressDeny: [{{fromEndpoints: [{{matchLabels: {{app: frontend}}}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(In(0)), D(In(65600)), A(Eg(0))]);
        Allowed(engine, TrafficDirection.Ingress, 65600, Tcp, 80).Should().BeFalse();
        Allowed(engine, TrafficDirection.Ingress, 2, Tcp, 80).Should().BeTrue();
    }

    [Fact]
    public void DefaultDeny_OneDefaultDenyRuleAmongNonDefault_NoWildcardAllow()
    {
        var engine = Engine(null,
            Cnp($"{{{Backend}, enableDefaultDeny: {{ingress: false}}, ingress: [{{fromEntities: [world]}}]}}", "lenient"),
            Cnp($"{{{Backend}, ingress: [{{fromEndpoints: [{{matchLabels: {{app: frontend}}}}]}}]}}", "strict"));

        Map(engine).Keys.Should().NotContain(In(0));
        Allowed(engine, TrafficDirection.Ingress, 2, Tcp, 80).Should().BeTrue();
        Allowed(engine, TrafficDirection.Ingress, 65603, Tcp, 80).Should().BeFalse();
    }

    [Fact]
    public void DefaultDeny_NonDefaultDenyDisabled_ExplicitFalseIgnored()
    {
        var engine = Engine(Options with { EnableNonDefaultDenyPolicies = false }, Cnp($"{{{Backend}, enableDefaultDeny: {{ingress: false}}, ingressDeny: [{{fromEndpoints: [{{matchLabels: {{app: frontend}}}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([D(In(65600)), A(Eg(0))]);
    }

    [Fact]
    public void DefaultDeny_DenyOnlyRule_PutsDirectionInDefaultDeny()
    {
        var engine = Engine(null, Cnp($"{{{Backend}, ingressDeny: [{{fromEntities: [world]}}]}}"));

        Map(engine).Should().BeEquivalentTo([D(In(2)), D(In(16777217)), D(In(16777218)), D(In(16777219)), A(Eg(0))]);
        Allowed(engine, TrafficDirection.Ingress, 65600, Tcp, 80).Should().BeFalse();
    }

    [Fact]
    public void EnforcementAlways_NoRules_NoAllowAllKeys()
    {
        var engine = Engine(Options with { EnforcementMode = PolicyEnforcementMode.Always });

        Map(engine).Should().BeEmpty();
        Allowed(engine, TrafficDirection.Egress, 2, Tcp, 443).Should().BeFalse();
    }

    [Fact]
    public void EnforcementNever_WithRules_AllowAllBothDirections()
    {
        var engine = Engine(Options with { EnforcementMode = PolicyEnforcementMode.Never }, Cnp($"{{{Backend}, ingress: [{{}}], egress: [{{}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(In(0)), A(Eg(0))]);
    }

    [Fact]
    public void Localhost_Always_HostIngressKeyEvenWhenEnforced()
    {
        var engine = Engine(Options with { AllowLocalhost = AllowLocalhostMode.Always }, Cnp($"{{{Backend}, ingress: [{{}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(In(1)), A(Eg(0))]);
        Allowed(engine, TrafficDirection.Ingress, 1, Tcp, 80).Should().BeTrue();
    }

    [Fact]
    public void DenyWins_IdentityDenyCoversSameIdentityAllow_AllowRemoved()
    {
        var engine = Engine(null, Cnp($"{{{Backend}, ingress: [{{fromEndpoints: [{{matchLabels: {{app: frontend}}}}], toPorts: [{{ports: [{{port: '80', protocol: TCP}}]}}]}}], ingressDeny: [{{fromEndpoints: [{{matchLabels: {{app: frontend}}}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([D(In(65600)), A(Eg(0))]);
    }

    [Fact]
    public void DenyWins_WildcardDenyCoversIdentityDenyAndAllow_OnlyWildcardDenyKept()
    {
        var engine = Engine(null, Cnp($"{{{Backend}, ingress: [{{fromEndpoints: [{{matchLabels: {{app: frontend}}}}], toPorts: [{{ports: [{{port: '22', protocol: TCP}}]}}]}}], ingressDeny: [{{toPorts: [{{ports: [{{port: '22', protocol: TCP}}]}}]}}, {{fromEndpoints: [{{matchLabels: {{app: frontend}}}}], toPorts: [{{ports: [{{port: '22', protocol: TCP}}]}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([D(In(0, Tcp, 22, 16)), A(Eg(0))]);
    }

    [Fact]
    public void DenyWins_NarrowDenyUnderBroadAllow_BothKeptDenyDecides()
    {
        var engine = Engine(null, Cnp($"{{{Backend}, ingress: [{{fromEndpoints: [{{matchLabels: {{app: frontend}}}}]}}], ingressDeny: [{{fromEndpoints: [{{matchLabels: {{app: frontend}}}}], toPorts: [{{ports: [{{port: '9000', endPort: 9001, protocol: UDP}}]}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(In(65600)), D(In(65600, Udp, 9000, 15)), A(Eg(0))]);
        Allowed(engine, TrafficDirection.Ingress, 65600, Udp, 9001).Should().BeFalse();
        Allowed(engine, TrafficDirection.Ingress, 65600, Udp, 9002).Should().BeTrue();
    }

    [Fact]
    public void DenyWins_DenyFromKnpAndCnpOverlap_DenyKeptAcrossSources()
    {
        var engine = Engine(null,
            Knp("{podSelector: {matchLabels: {app: backend}}, ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]}]}"),
            Cnp($"{{{Backend}, ingressDeny: [{{fromEndpoints: [{{matchLabels: {{app: frontend}}}}], toPorts: [{{ports: [{{port: '22', protocol: TCP}}]}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(In(65600)), D(In(65600, Tcp, 22, 16)), A(Eg(0))]);
    }

    [Fact]
    public void NamedPort_IngressResolvedFromEndpointPorts()
    {
        var engine = Engine(null, Cnp($"{{{Backend}, ingress: [{{toPorts: [{{ports: [{{port: http, protocol: TCP}}]}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(Eg(0))], "the endpoint has no port named http");
        engine.UpsertEndpoint(Vectors.Backend, 65601, [new NamedPort("http", Tcp, 8080)]);

        Map(engine).Should().BeEquivalentTo([A(In(0, Tcp, 8080, 16)), A(Eg(0))]);
    }

    [Fact]
    public void Icmps_EchoRequest_TypeAsPort()
    {
        var engine = Engine(null, Cnp($"{{{Backend}, ingress: [{{icmps: [{{fields: [{{type: EchoRequest}}, {{family: IPv6, type: 128}}]}}]}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(In(0, Icmp, 8, 16)), A(In(0, 58, 128, 16)), A(Eg(0))]);
        Allowed(engine, TrafficDirection.Ingress, 65600, Icmp, 8).Should().BeTrue();
        Allowed(engine, TrafficDirection.Ingress, 65600, Icmp, 0).Should().BeFalse();
    }

    [Fact]
    public void SizeLimit_TooManyEntries_DegradedNotTruncated()
    {
        var engine = Engine(Options with { PolicyMapMaxEntries = 3 }, Cnp($"{{{Backend}, ingress: [{{fromEntities: [cluster]}}]}}"));

        var status = engine.GetEndpointStatus(Vectors.Backend)!;
        status.Degraded.Should().BeTrue();
        status.Entries.Should().Be(12);
        status.Reason.Should().Be("policy map needs 12 entries, over its limit of 3");
        Map(engine).Should().HaveCount(12);
    }

    [Fact]
    public void SizeLimit_WithinLimit_NotDegraded()
    {
        var engine = Engine(null, Cnp($"{{{Backend}, ingress: [{{fromEntities: [cluster]}}]}}"));

        engine.GetEndpointStatus(Vectors.Backend)!.Degraded.Should().BeFalse();
    }

    [Fact]
    public void HostPolicy_CcnpNodeSelector_OnlyHostEndpoint()
    {
        var engine = Engine(null, Ccnp("{nodeSelector: {}, ingress: [{fromEntities: [remote-node]}]}"));
        engine.UpsertEndpoint(7, ReservedIdentities_Host);

        engine.GetMapState(7)!.Entries.Should().BeEquivalentTo([A(In(6)), A(In(7)), A(Eg(0))]);
        Map(engine).Should().BeEquivalentTo([A(In(0)), A(Eg(0))], "an endpoint selector never selects the host and a node selector nothing else");
    }

    private const uint ReservedIdentities_Host = 1;

    [Fact]
    public void DualStack_WorldSelected_KeysForWorldIPv4AndIPv6()
    {
        var engine = Engine(Options with { DualStack = true }, Cnp($"{{{Backend}, egress: [{{toCIDR: ['0.0.0.0/0']}}]}}"));

        Map(engine).Should().BeEquivalentTo([A(Eg(9)), A(In(0))]);
        var world = Engine(Options with { DualStack = true }, Cnp($"{{{Backend}, egress: [{{toEndpoints: [{{matchLabels: {{'reserved:world': ''}}}}]}}]}}"));
        Map(world).Should().BeEquivalentTo([A(Eg(2)), A(Eg(9)), A(Eg(10)), A(Eg(16777217)), A(Eg(16777218)), A(Eg(16777219)), A(In(0))], "the vector CIDR identities carry reserved:world");
    }

    [Fact]
    public void TakeChanges_AfterPolicyDelete_AllowAllRestoredOldKeysDeleted()
    {
        var engine = Engine(null, Cnp($"{{{Backend}, ingress: [{{fromEndpoints: [{{matchLabels: {{app: frontend}}}}]}}]}}"));
        engine.TakeChanges(Vectors.Backend);

        engine.DeletePolicy("CiliumNetworkPolicy", "default", "p").Should().BeTrue();

        engine.TakeChanges(Vectors.Backend).Should().BeEquivalentTo(
            [new PolicyMapChange(Vectors.Backend, In(65600), null), new PolicyMapChange(Vectors.Backend, In(0), PolicyMapEntry.AllowFor(In(0)))]);
        engine.TakeChanges(Vectors.Backend).Should().BeEmpty();
    }

    [Fact]
    public void CidrIdentities_PolicyDeleted_AllocatedIdentitiesReleased()
    {
        var engine = Engine(null, Cnp($"{{{Backend}, egress: [{{toCIDRSet: [{{cidr: 192.168.0.0/16, except: [192.168.1.0/24]}}]}}]}}"));

        var allocated = engine.CidrIdentities.Where(c => c.Key.ToString().StartsWith("192.168", StringComparison.Ordinal)).ToList();
        allocated.Should().HaveCount(2);
        engine.GetIdentityLabels(allocated[0].Value)!.ToString().Should().Contain("reserved:world=;");
        Map(engine).Keys.Should().Contain(Eg(engine.CidrIdentities[Cidr.CidrPrefix.Parse("192.168.0.0/16")]));

        engine.DeletePolicy("CiliumNetworkPolicy", "default", "p");

        engine.CidrIdentities.Keys.Select(k => k.ToString()).Should().NotContain(k => k.StartsWith("192.168", StringComparison.Ordinal));
        engine.GetIdentityLabels(allocated[0].Value).Should().BeNull();
    }

    [Fact]
    public void LabelSet_CidrKey_PrefixContainment()
    {
        var labels = LabelSet.Parse("cidr:10.1.2.0/24", "reserved:world");

        new Selection.SelectorRequirement("cidr", "10.0.0.0/8", Selection.SelectorOperator.Exists).Matches(labels).Should().BeTrue();
        new Selection.SelectorRequirement("cidr", "10.1.3.0/24", Selection.SelectorOperator.Exists).Matches(labels).Should().BeFalse();
        new Selection.SelectorRequirement("any", "world", Selection.SelectorOperator.Exists).Matches(labels).Should().BeTrue();
        new Selection.SelectorRequirement("k8s", "world", Selection.SelectorOperator.Exists).Matches(labels).Should().BeFalse();
    }
}
