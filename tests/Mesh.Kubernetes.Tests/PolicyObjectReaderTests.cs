using Mesh.Kubernetes.Objects;
using Mesh.Kubernetes.Reading;
using Mesh.Testing;

namespace Mesh.Kubernetes.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class PolicyObjectReaderTests
{
    [Fact]
    public void Read_VerbatimCiliumNetworkPolicy_EveryFieldKept()
    {
        var policy = Single<CiliumNetworkPolicy>("""
            apiVersion: "cilium.io/v2"
            kind: CiliumNetworkPolicy
            metadata:
              name: "l4-rule"
              namespace: shop
              uid: 8f1c
            spec:
              description: "L3-L4 policy"
              endpointSelector:
                matchLabels:
                  app: backend
              enableDefaultDeny:
                egress: false
              ingress:
              - fromEndpoints:
                - matchLabels:
                    app: frontend
                  matchExpressions:
                  - {key: io.cilium.k8s.policy.cluster, operator: In, values: [c1, c2]}
                toPorts:
                - ports:
                  - port: "8080"
                    endPort: 8095
                    protocol: TCP
                  - port: http
              - fromCIDRSet:
                - cidr: 10.0.0.0/8
                  except:
                  - 10.96.0.0/12
              - fromEntities: [cluster]
                icmps:
                - fields:
                  - type: 8
                    family: IPv4
                  - type: EchoRequest
              ingressDeny:
              - fromCIDR: [192.168.0.0/16]
              egress:
              - toEndpoints: []
              - {}
            """);

        policy.Metadata.Key.Should().Be("shop/l4-rule");
        policy.Uid.Should().Be("8f1c");
        policy.Specs.Should().BeNull();
        var spec = policy.Spec!;
        spec.Description.Should().Be("L3-L4 policy");
        spec.EndpointSelector!.MatchLabels.Should().Equal(new Dictionary<string, string> { ["app"] = "backend" });
        spec.NodeSelector.Should().BeNull();
        spec.EnableDefaultDeny.Should().Be(new DefaultDenySpec(null, false));
        spec.Ingress.Should().HaveCount(3);
        var first = spec.Ingress![0];
        first.Endpoints.Should().ContainSingle().Which.MatchExpressions.Should().ContainSingle().Which.Values.Should().Equal("c1", "c2");
        first.ToPorts.Should().ContainSingle().Which.Ports.Should().Equal(new PortProtocolSpec("8080", 8095, "TCP"), new PortProtocolSpec("http", null, string.Empty));
        first.Cidr.Should().BeNull();
        spec.Ingress[1].CidrSet.Should().BeEquivalentTo([new CidrRuleSpec("10.0.0.0/8", string.Empty, null, ["10.96.0.0/12"])]);
        spec.Ingress[2].Entities.Should().Equal("cluster");
        spec.Ingress[2].Icmps.Should().ContainSingle().Which.Fields.Should().Equal(new IcmpFieldSpec("IPv4", "8"), new IcmpFieldSpec(string.Empty, "EchoRequest"));
        spec.IngressDeny.Should().ContainSingle().Which.Cidr.Should().Equal("192.168.0.0/16");
        spec.Egress![0].Endpoints.Should().NotBeNull().And.BeEmpty("an explicit [] selects nothing, unlike an absent field");
        spec.Egress[1].Endpoints.Should().BeNull();
        spec.EgressDeny.Should().BeNull();
    }

    [Fact]
    public void Read_CiliumNetworkPolicyWithSpecs_BothKept()
    {
        var policy = Single<CiliumNetworkPolicy>("""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: multi}
            spec: {endpointSelector: {}, ingress: [{}]}
            specs:
            - endpointSelector: {matchLabels: {a: b}}
              egress: [{toEntities: [world], toPorts: [{ports: [{port: "443", protocol: TCP}], rules: {http: [{method: GET}]}}]}]
            """);

        policy.Metadata.Namespace.Should().Be("default");
        policy.Specs.Should().ContainSingle().Which.Egress.Should().ContainSingle().Which.ToPorts.Should().ContainSingle().Which.L7Fields.Should().Equal("rules");
    }

    [Fact]
    public void Read_ClusterwidePolicyWithNodeSelectorAndUnsupportedFields_Kept()
    {
        var policy = Single<CiliumClusterwideNetworkPolicy>("""
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: host-fw, namespace: ignored}
            spec:
              nodeSelector: {matchLabels: {node-role.kubernetes.io/control-plane: ""}}
              ingress:
              - fromEntities: [remote-node]
              egress:
              - toFQDNs: [{matchName: example.com}]
                toServices: [{k8sService: {serviceName: x, namespace: y}}]
            """);

        policy.Metadata.Key.Should().Be("host-fw");
        policy.Spec!.NodeSelector!.MatchLabels.Should().ContainKey("node-role.kubernetes.io/control-plane");
        policy.Spec.Egress.Should().ContainSingle().Which.UnsupportedFields.Should().Equal("toFQDNs", "toServices");
    }

    [Fact]
    public void Read_NetworkPolicy_PeersPortsAndTypes()
    {
        var policy = Single<NetworkPolicy>("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db, namespace: prod}
            spec:
              podSelector: {matchLabels: {role: db}}
              policyTypes: [Ingress, Egress]
              ingress:
              - from:
                - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
                - namespaceSelector: {matchLabels: {project: myproject}}
                  podSelector: {matchLabels: {role: frontend}}
                ports:
                - {protocol: TCP, port: 6379}
                - {port: 32000, endPort: 32768}
              egress:
              - ports: [{protocol: UDP, port: dns}]
            """);

        policy.Metadata.Key.Should().Be("prod/db");
        policy.Spec.PolicyTypes.Should().Equal("Ingress", "Egress");
        var ingress = policy.Spec.Ingress.Should().ContainSingle().Subject;
        ingress.Peers[0].IpBlock.Should().BeEquivalentTo(new IpBlockSpec("172.17.0.0/16", ["172.17.1.0/24"]));
        ingress.Peers[0].IpBlock!.Except.Should().Equal("172.17.1.0/24");
        ingress.Peers[1].NamespaceSelector!.MatchLabels.Should().ContainKey("project");
        ingress.Peers[1].PodSelector!.MatchLabels.Should().ContainKey("role");
        ingress.Ports.Should().Equal(new NetworkPolicyPortSpec("TCP", "6379", null), new NetworkPolicyPortSpec(string.Empty, "32000", 32768));
        policy.Spec.Egress.Should().ContainSingle().Which.Peers.Should().BeEmpty();
    }

    [Fact]
    public void Read_NetworkPolicyWithoutPodSelector_SelectsAllPods()
    {
        var policy = Single<NetworkPolicy>("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec: {}\n");

        policy.Spec.PodSelector.MatchLabels.Should().BeEmpty();
        policy.Spec.PodSelector.MatchExpressions.Should().BeEmpty();
    }

    [Theory]
    [InlineData("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p}\nspec: {ingress: {fromEndpoints: []}}", "spec.ingress: expected a list")]
    [InlineData("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p}\nspec: {ingress: [{toPorts: [{ports: [{port: '80', endPort: x}]}]}]}", "spec.ingress[0].toPorts[0].ports[0].endPort: expected an integer")]
    [InlineData("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p}\nspec: {endpointSelector: {matchExpressions: [{key: a, operator: Near}]}}", "spec.endpointSelector.matchExpressions[0].operator: 'Near' is not In, NotIn, Exists or DoesNotExist")]
    [InlineData("apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: p}\nspecs: [{egress: [{toCIDRSet: [{cidr: 10.0.0.0/8, except: 5}]}]}]", "specs[0].egress[0].toCIDRSet[0].except: expected a list")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}", "spec: missing")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {ingress: [{from: [{podSelector: 3}]}]}", "spec.ingress[0].from[0].podSelector: expected an object")]
    public void Read_MalformedPolicy_ErrorNamesField(string yaml, string expected)
    {
        var act = () => KubeObjectReader.Read(YamlDocuments.Parse(yaml)[0]);

        act.Should().Throw<KubeObjectException>().Which.Message.Should().StartWith(expected);
    }

    private static T Single<T>(string yaml)
        where T : class, IKubeObject => (T)KubeObjectReader.Read(YamlDocuments.Parse(yaml).Single())!;
}
