using Mesh.Testing;
using static Mesh.Policy.Tests.Vectors;

namespace Mesh.Policy.Tests;

/// <summary>Spec §1.2 and the bad input: every error names policy and field; the rest keeps applying.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ValidationTests
{
    private const string Subject = "endpointSelector: {matchLabels: {app: backend}}";

    [Theory]
    [InlineData("{" + Subject + ", ingress: [{fromEntities: [galaxy]}]}", "spec.ingress[0].fromEntities[0]", "unknown entity 'galaxy'; known: all, world, world-ipv4, world-ipv6, host, remote-node, kube-apiserver, ingress, health, init, unmanaged, cluster, none")]
    [InlineData("{" + Subject + ", egress: [{toCIDR: ['10.0.0.300/8']}]}", "spec.egress[0].toCIDR[0]", "'10.0.0.300/8' is not a CIDR prefix or address")]
    [InlineData("{" + Subject + ", egress: [{toCIDRSet: [{cidr: 10.0.0.0/8, except: [192.168.0.0/16]}]}]}", "spec.egress[0].toCIDRSet[0].except[0]", "'192.168.0.0/16' is not inside '10.0.0.0/8'")]
    [InlineData("{" + Subject + ", egress: [{toCIDRSet: [{cidr: 10.0.0.0/8, except: ['fd00::/8']}]}]}", "spec.egress[0].toCIDRSet[0].except[0]", "'fd00::/8' is not inside '10.0.0.0/8'")]
    [InlineData("{" + Subject + ", ingress: [{toPorts: [{ports: [{port: '0', endPort: 1024, protocol: TCP}]}]}]}", "spec.ingress[0].toPorts[0].ports[0].endPort", "a port range must not start at port 0 (0-1024); use port 0 without endPort for every port")]
    [InlineData("{" + Subject + ", ingress: [{toPorts: [{ports: [{port: '70000'}]}]}]}", "spec.ingress[0].toPorts[0].ports[0].port", "70000 is outside 0..65535")]
    [InlineData("{" + Subject + ", ingress: [{toPorts: [{ports: [{port: '80', protocol: ICMPX}]}]}]}", "spec.ingress[0].toPorts[0].ports[0].protocol", "'ICMPX' is not TCP, UDP, SCTP or ANY")]
    [InlineData("{" + Subject + ", ingress: [{toPorts: [{ports: [{port: 'not_a-name'}]}]}]}", "spec.ingress[0].toPorts[0].ports[0].port", "'not_a-name' is neither a port number nor a port name")]
    [InlineData("{" + Subject + ", ingress: [{fromEndpoints: [{}], fromCIDR: ['1.1.1.1']}]}", "spec.ingress[0]", "combining fromEndpoints and fromCIDR is not supported yet; write them as separate items")]
    [InlineData("{" + Subject + ", ingress: [{toPorts: [{ports: [{port: '80'}]}], icmps: [{fields: [{type: 8}]}]}]}", "spec.ingress[0]", "icmps and toPorts cannot be combined in one item")]
    [InlineData("{" + Subject + ", ingressDeny: [{toPorts: [{ports: [{port: '80'}], rules: {http: [{method: GET}]}}]}]}", "spec.ingressDeny[0].toPorts[0].rules", "deny rules cannot carry L7 rules")]
    [InlineData("{" + Subject + ", egress: [{toFQDNs: [{matchName: example.com}]}]}", "spec.egress[0].toFQDNs", "is not supported by Mesh (L3/L4 policy only)")]
    [InlineData("{" + Subject + ", ingress: [{fromRequires: [{matchLabels: {env: prod}}]}]}", "spec.ingress[0].fromRequires", "was removed in Cilium 1.19; use a separate rule with the combined selector")]
    [InlineData("{" + Subject + "}", "spec", "a rule needs at least one of ingress, ingressDeny, egress or egressDeny")]
    [InlineData("{ingress: [{}]}", "spec", "one of endpointSelector or nodeSelector is required")]
    [InlineData("{nodeSelector: {}, ingress: [{}]}", "spec.nodeSelector", "a CiliumNetworkPolicy cannot select nodes; use a CiliumClusterwideNetworkPolicy")]
    [InlineData("{" + Subject + ", ingress: [{icmps: [{fields: [{type: Bogus}]}]}]}", "spec.ingress[0].icmps[0].fields[0].type", "'Bogus' is not an IPv4 ICMP type (0-255 or a type name)")]
    public void UpsertPolicy_InvalidRule_RejectedWithFieldAndReason(string spec, string field, string reason)
    {
        var engine = Engine();

        var status = engine.UpsertPolicy(Read(Cnp(spec, "bad")));

        status.Accepted.Should().BeFalse();
        status.InForce.Should().BeFalse();
        status.Errors.Should().ContainEquivalentOf(new Validation.PolicyError("CiliumNetworkPolicy default/bad", field, reason));
    }

    [Fact]
    public void UpsertPolicy_FortyOnePorts_Rejected()
    {
        var ports = string.Join(", ", Enumerable.Range(1000, 41).Select(p => $"{{port: '{p}', protocol: TCP}}"));
        var engine = Engine();

        var status = engine.UpsertPolicy(Read(Cnp($"{{{Subject}, ingress: [{{toPorts: [{{ports: [{ports}]}}]}}]}}")));

        status.Errors.Should().ContainSingle().Which.Should().Be(new Validation.PolicyError(
            "CiliumNetworkPolicy default/p", "spec.ingress[0].toPorts[0].ports", "41 ports exceed the limit of 40 per toPorts item"));
    }

    [Fact]
    public void UpsertPolicy_FortyPorts_Accepted()
    {
        var ports = string.Join(", ", Enumerable.Range(1000, 40).Select(p => $"{{port: '{p}', protocol: TCP}}"));
        var engine = Engine();

        engine.UpsertPolicy(Read(Cnp($"{{{Subject}, ingress: [{{toPorts: [{{ports: [{ports}]}}]}}]}}"))).Accepted.Should().BeTrue();
    }

    [Fact]
    public void UpsertPolicy_SeveralErrors_AllReported()
    {
        var engine = Engine();

        var status = engine.UpsertPolicy(Read(Cnp($"{{{Subject}, ingress: [{{fromEntities: [galaxy]}}], egress: [{{toCIDR: [nope]}}]}}")));

        status.Errors.Select(e => e.Field).Should().Equal("spec.ingress[0].fromEntities[0]", "spec.egress[0].toCIDR[0]");
    }

    [Fact]
    public void UpsertPolicy_EmptyCnp_Rejected()
    {
        var engine = Engine();

        var status = engine.UpsertPolicy(Read("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: empty, namespace: default}\n"));

        status.Errors.Should().Equal(new Validation.PolicyError("CiliumNetworkPolicy default/empty", "spec", "empty policy: neither spec nor specs is set"));
    }

    [Fact]
    public void UpsertPolicy_InvalidPolicy_OthersKeepApplying()
    {
        var engine = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}]}]}", "good"));

        engine.UpsertPolicy(Read(Cnp("{endpointSelector: {}, ingress: [{fromEntities: [galaxy]}]}", "bad"))).Accepted.Should().BeFalse();

        Map(engine).Should().BeEquivalentTo([A(In(65600)), A(Eg(0))]);
        engine.PolicyStatuses.Select(s => (s.Policy, s.Accepted)).Should().Equal(("CiliumNetworkPolicy default/bad", false), ("CiliumNetworkPolicy default/good", true));
    }

    [Fact]
    public void UpsertPolicy_InvalidUpdate_PreviousVersionStaysInForce()
    {
        var engine = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}]}]}"));

        var status = engine.UpsertPolicy(Read(Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromCIDR: ['300.0.0.0/8']}]}")));

        status.Accepted.Should().BeFalse();
        status.InForce.Should().BeTrue();
        Map(engine).Should().BeEquivalentTo([A(In(65600)), A(Eg(0))]);
    }

    [Fact]
    public void UpsertPolicy_CnpSubjectInOtherNamespace_OverriddenWithWarning()
    {
        var engine = Engine();

        var status = engine.UpsertPolicy(Read(Cnp("{endpointSelector: {matchLabels: {app: backend, k8s:io.kubernetes.pod.namespace: prod}}, ingress: [{}]}")));

        status.Accepted.Should().BeTrue();
        status.Warnings.Should().Equal(new Validation.PolicyError("CiliumNetworkPolicy default/p", "spec.endpointSelector", "'k8s:io.kubernetes.pod.namespace=prod' is replaced by the policy's namespace 'default'"));
        Map(engine).Should().BeEquivalentTo([A(Eg(0))], "the backend in default is selected and made ingress default-deny");
    }

    [Theory]
    [InlineData("{podSelector: {}, ingress: [{ports: [{protocol: ICMP, port: 1}]}]}", "spec.ingress[0].ports[0].protocol", "'ICMP' is not TCP, UDP or SCTP")]
    [InlineData("{podSelector: {}, ingress: [{ports: [{port: http, endPort: 90}]}]}", "spec.ingress[0].ports[0].endPort", "endPort 90 needs a numeric port")]
    [InlineData("{podSelector: {}, ingress: [{ports: [{port: 100, endPort: 90}]}]}", "spec.ingress[0].ports[0].endPort", "90 is below port 100")]
    [InlineData("{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/8]}}]}]}", "spec.egress[0].to[0].ipBlock.except[0]", "'11.0.0.0/8' is not inside '10.0.0.0/8'")]
    [InlineData("{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]}", "spec.egress[0].to[0]", "ipBlock cannot be combined with podSelector or namespaceSelector")]
    [InlineData("{podSelector: {}, policyTypes: [Sideways]}", "spec.policyTypes[0]", "'Sideways' is not Ingress or Egress")]
    public void UpsertPolicy_InvalidNetworkPolicy_RejectedWithFieldAndReason(string spec, string field, string reason)
    {
        var engine = Engine();

        var status = engine.UpsertPolicy(Read(Knp(spec)));

        status.Errors.Should().ContainEquivalentOf(new Validation.PolicyError("NetworkPolicy default/k", field, reason));
    }
}
