using System.Text;
using Mesh.ClusterMesh.Export.State;
using Mesh.KvStore.Cilium.Keys;
using Mesh.Kubernetes.Reading;
using Mesh.Kubernetes.Sources;
using Mesh.Testing;

namespace Mesh.ClusterMesh.Export.Tests;

/// <summary>Scenario tests in the style of Cilium's txtar tests: Kubernetes objects in, exported kvstore entries out.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ClusterExportStateTests
{
    private readonly ClusterExportState _state = new(new ExportOptions("cluster3", 3));

    [Fact]
    public void Endpoint_AddUpdateDelete_IpEntriesFollow()
    {
        Upsert(Endpoint("cep-002", "bar", 199475, "10.244.2.74", "172.18.0.2"));

        Exported(CiliumResource.Ips).Should().Equal(new Dictionary<string, string>
        {
            ["10.244.2.74"] = """{"IP":"10.244.2.74","Mask":null,"HostIP":"172.18.0.2","ID":199475,"Key":5,"Metadata":"","K8sNamespace":"bar","K8sPodName":"cep-002","K8sServiceAccount":"default"}""",
        });

        var changes = Upsert(Endpoint("cep-002", "bar", 199475, "10.244.2.75", "172.18.0.2"));
        changes.Select(c => (c.Name, c.Value is null)).Should().BeEquivalentTo([("10.244.2.74", true), ("10.244.2.75", false)]);

        Delete(Endpoint("cep-002", "bar", 199475, "10.244.2.75", "172.18.0.2"));
        Exported(CiliumResource.Ips).Should().BeEmpty();
    }

    [Fact]
    public void Apply_IntoOneReusedList_AppendsWhatEachEventChanges()
    {
        var changes = new List<ExportChange>();

        _state.Apply(Event(Endpoint("a", "bar", 70000, "10.0.0.1", "172.18.0.2")), changes);
        _state.Apply(Event(Endpoint("b", "bar", 70001, "FD00:0::2", "172.18.0.2")), changes);
        changes.Select(c => c.Name).Should().Equal("10.0.0.1", "fd00::2");

        changes.Clear();
        _state.Apply(Event(Endpoint("a", "bar", 70000, "10.0.0.1", "172.18.0.2")), changes);
        changes.Should().BeEmpty("nothing changed");
        _state.Apply(Event(Endpoint("a", "bar", 70000, "10.0.0.1", "172.18.0.2")) with { Type = ObjectEventType.Delete }, changes);
        changes.Should().ContainSingle().Which.Should().Be(new ExportChange(CiliumResource.Ips, "10.0.0.1", null));
    }

    [Fact]
    public void Endpoint_TwoClaimAnIp_FirstStaysPrimaryUntilItGoes()
    {
        Upsert(Endpoint("first", "bar", 70000, "10.0.0.1", "172.18.0.2"));
        var second = Upsert(Endpoint("second", "bar", 70001, "10.0.0.1", "172.18.0.3"));

        second.Should().BeEmpty("the first claimant keeps the address");
        Exported(CiliumResource.Ips)["10.0.0.1"].Should().Contain("\"K8sPodName\":\"first\"");

        Delete(Endpoint("first", "bar", 70000, "10.0.0.1", "172.18.0.2"));
        Exported(CiliumResource.Ips)["10.0.0.1"].Should().Contain("\"K8sPodName\":\"second\"");
    }

    [Fact]
    public void Endpoint_ThreeClaimAnIp_PrimaryPassesInClaimOrderAndAMovedEndpointLetsGo()
    {
        Upsert(Endpoint("first", "bar", 70000, "10.0.0.1", "172.18.0.2"));
        Upsert(Endpoint("second", "bar", 70001, "10.0.0.1", "172.18.0.3"));
        Upsert(Endpoint("third", "bar", 70002, "10.0.0.1", "172.18.0.4"));

        Delete(Endpoint("second", "bar", 70001, "10.0.0.1", "172.18.0.3"));
        Exported(CiliumResource.Ips)["10.0.0.1"].Should().Contain("\"K8sPodName\":\"first\"", "a later claimant leaving changes nothing");

        var moved = Upsert(Endpoint("first", "bar", 70000, "10.0.0.9", "172.18.0.2"));
        moved.Should().HaveCount(2, "the old address passes on and the new one is written");
        Exported(CiliumResource.Ips)["10.0.0.1"].Should().Contain("\"K8sPodName\":\"third\"");
        Exported(CiliumResource.Ips)["10.0.0.9"].Should().Contain("\"K8sPodName\":\"first\"");

        Delete(Endpoint("third", "bar", 70002, "10.0.0.1", "172.18.0.4"));
        Exported(CiliumResource.Ips).Keys.Should().Equal("10.0.0.9");
    }

    [Fact]
    public void Identity_Namespaced_FollowsNamespaceGlobalAnnotation()
    {
        Upsert("""
            apiVersion: cilium.io/v2
            kind: CiliumIdentity
            metadata: {name: "196915"}
            security-labels:
              k8s:app: baz
              k8s:io.cilium.k8s.policy.cluster: cluster3
              k8s:io.kubernetes.pod.namespace: bar
            """);
        Exported(CiliumResource.Identities).Should().Equal(new Dictionary<string, string>
        {
            ["196915"] = "k8s:app=baz;k8s:io.cilium.k8s.policy.cluster=cluster3;k8s:io.kubernetes.pod.namespace=bar;",
        });

        Upsert(Namespace("bar", global: "false"));
        Exported(CiliumResource.Identities).Should().BeEmpty();

        Upsert(Namespace("bar", global: "TRUE"));
        Exported(CiliumResource.Identities).Should().ContainKey("196915");
    }

    [Fact]
    public void Identity_WithoutSecurityLabels_Skipped()
    {
        Upsert("apiVersion: cilium.io/v2\nkind: CiliumIdentity\nmetadata: {name: \"70000\"}\n");

        Exported(CiliumResource.Identities).Should().BeEmpty();
    }

    [Fact]
    public void Node_ClusterNameAndIdAreTheExportersOwn()
    {
        Upsert("""
            apiVersion: cilium.io/v2
            kind: CiliumNode
            metadata:
              name: test-node-2
              labels: {kubernetes.io/hostname: test-node-2}
            spec:
              addresses:
              - {type: InternalIP, ip: 172.18.0.3}
              - {type: CiliumInternalIP, ip: 10.244.1.130}
              ipam: {podCIDRs: [10.244.1.0/24]}
              health: {ipv4: 10.244.1.153}
              encryption: {key: 7}
              bootid: c1d2
            """);

        Exported(CiliumResource.Nodes).Should().Equal(new Dictionary<string, string>
        {
            ["cluster3/test-node-2"] = """{"Name":"test-node-2","Cluster":"cluster3","IPAddresses":[{"Type":"InternalIP","IP":"172.18.0.3"},{"Type":"CiliumInternalIP","IP":"10.244.1.130"}],"IPv4AllocCIDR":{"IP":"10.244.1.0","Mask":"////AA=="},"IPv4SecondaryAllocCIDRs":null,"IPv6AllocCIDR":null,"IPv6SecondaryAllocCIDRs":null,"IPv4HealthIP":"10.244.1.153","IPv6HealthIP":"","IPv4IngressIP":"","IPv6IngressIP":"","ClusterID":3,"Source":"custom-resource","EncryptionKey":7,"Labels":{"kubernetes.io/hostname":"test-node-2"},"Annotations":null,"WireguardPubKey":"","BootID":"c1d2"}""",
        });
    }

    [Fact]
    public void Service_GlobalSharedWithSlices_ExportsFrontendsAndReadyOrServingBackends()
    {
        Upsert(Service("echo-service", "ns-alpha", "service.cilium.io/global: \"true\""));
        Upsert(Slice("echo-a", "ns-alpha", "echo-service", ("10.244.1.10", "true", "true"), ("10.244.1.11", "false", "true"), ("10.244.1.12", "false", "false")));

        Exported(CiliumResource.Services).Should().Equal(new Dictionary<string, string>
        {
            ["cluster3/ns-alpha/echo-service"] = """{"cluster":"cluster3","namespace":"ns-alpha","name":"echo-service","frontends":{"10.96.0.10":{"http":{"Protocol":"TCP","Port":80}}},"backends":{"10.244.1.10":{"http":{"Protocol":"TCP","Port":8080}},"10.244.1.11":{"http":{"Protocol":"TCP","Port":8080}}},"labels":{},"selector":{"app":"echo"},"includeExternal":true,"shared":true,"clusterID":3}""",
        });

        Delete(Slice("echo-a", "ns-alpha", "echo-service"));
        Exported(CiliumResource.Services)["cluster3/ns-alpha/echo-service"].Should().Contain("\"backends\":{}");
    }

    [Theory]
    [InlineData("service.cilium.io/global: \"false\"")]
    [InlineData("service.cilium.io/global: \"true\"\n    service.cilium.io/shared: \"false\"")]
    [InlineData("io.cilium/global-service: \"true\"\n    io.cilium/shared-service: \"False\"")]
    public void Service_NotGlobalOrNotShared_NotExported(string annotations)
    {
        Upsert(Service("svc", "ns", annotations));

        Exported(CiliumResource.Services).Should().BeEmpty();
    }

    [Fact]
    public void Service_LegacyGlobalAnnotation_Exported()
    {
        Upsert(Service("svc", "ns", "io.cilium/global-service: \"True\""));

        Exported(CiliumResource.Services).Should().ContainKey("cluster3/ns/svc");
    }

    [Fact]
    public void Namespace_AnnotatedNonGlobal_RemovesItsEntriesAndKeepsOthers()
    {
        Upsert(Service("svc", "ns", "service.cilium.io/global: \"true\""));
        Upsert(Service("svc", "other", "service.cilium.io/global: \"true\""));
        Upsert(Endpoint("pod", "ns", 70000, "10.0.0.1", "172.18.0.2"));

        var changes = Upsert(Namespace("ns", global: "false"));

        changes.Should().OnlyContain(c => c.Value == null).And.HaveCount(2);
        Exported(CiliumResource.Services).Keys.Should().Equal("cluster3/other/svc");
        Exported(CiliumResource.Ips).Should().BeEmpty();
    }

    [Fact]
    public void Addresses_CountsAndLookupsFollowNamespaceAndDeletes()
    {
        Upsert(Endpoint("a", "ns", 70000, "10.0.0.1", "172.18.0.2"));
        Upsert(Endpoint("b", "other", 70001, "10.0.0.2", "172.18.0.2"));
        var ips = _state.ExportedOf(CiliumResource.Ips);
        ips.Count.Should().Be(2);
        _state.ExportedCount.Should().Be(2);

        Upsert(Namespace("ns", global: "false"));
        ips.Count.Should().Be(1);
        ips.ContainsKey("10.0.0.1").Should().BeFalse("its namespace is no longer global");
        ips.Invoking(i => i["10.0.0.1"]).Should().Throw<KeyNotFoundException>();

        var back = Upsert(Namespace("ns", global: "true"));
        back.Should().ContainSingle().Which.Name.Should().Be("10.0.0.1", "the address is still claimed and comes back");
        ips.Keys.Should().BeEquivalentTo(["10.0.0.1", "10.0.0.2"]);

        Delete(Endpoint("a", "ns", 70000, "10.0.0.1", "172.18.0.2"));
        Delete(Endpoint("b", "other", 70001, "10.0.0.2", "172.18.0.2"));
        ips.Count.Should().Be(0);
        ips.Should().BeEmpty();
        _state.ExportedCount.Should().Be(0);
    }

    [Fact]
    public void DefaultGlobalNamespaceOff_OnlyAnnotatedNamespacesExport()
    {
        var state = new ClusterExportState(new ExportOptions("c1", 1, DefaultGlobalNamespace: false));
        state.Apply(Event(Service("svc", "ns", "service.cilium.io/global: \"true\"")));
        state.ExportedCount.Should().Be(0);

        state.Apply(Event(Namespace("ns", global: "true")));

        state.ExportedOf(CiliumResource.Services).Keys.Should().Contain("c1/ns/svc");
    }

    [Fact]
    public void ServiceExport_EnabledAndServiceExists_Exported()
    {
        var state = new ClusterExportState(new ExportOptions("c1", 1, EnableServiceExports: true));
        state.Apply(Event("apiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceExport\nmetadata: {name: svc, namespace: ns, creationTimestamp: \"2026-01-02T03:04:05Z\"}\n"));
        state.ExportedCount.Should().Be(0, "the service does not exist yet");

        state.Apply(Event(Service("svc", "ns", "a: b")));

        Encoding.UTF8.GetString(state.ExportedOf(CiliumResource.ServiceExports)["c1/ns/svc"]).Should()
            .Be("""{"cluster":"c1","name":"svc","namespace":"ns","exportCreationTimestamp":"2026-01-02T03:04:05Z","ports":[{"name":"http","protocol":"TCP","port":80}],"type":"ClusterSetIP","sessionAffinity":"None"}""");
    }

    private IReadOnlyList<ExportChange> Upsert(string yaml) => _state.Apply(Event(yaml));

    private IReadOnlyList<ExportChange> Delete(string yaml) => _state.Apply(Event(yaml) with { Type = ObjectEventType.Delete });

    private static ObjectEvent Event(string yaml) => new(ObjectEventType.Upsert, KubeObjectReader.Read(YamlDocuments.Parse(yaml).Single())!);

    private Dictionary<string, string> Exported(CiliumResource resource) =>
        _state.ExportedOf(resource).ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(e.Value));

    private static string Namespace(string name, string global) =>
        $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  annotations:\n    clustermesh.cilium.io/global: \"{global}\"\n";

    private static string Endpoint(string name, string ns, uint identity, string ip, string node) => $"""
        apiVersion: cilium.io/v2
        kind: CiliumEndpoint
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        status:
          identity: {"{"}id: {identity}{"}"}
          networking:
            addressing: [{"{"}ipv4: {ip}{"}"}]
            node: {node}
          encryption: {"{"}key: 5{"}"}
          service-account: default
        """;

    private static string Service(string name, string ns, string annotations) => $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
          namespace: {ns}
          annotations:
            {annotations}
        spec:
          clusterIP: 10.96.0.10
          selector: {"{"}app: echo{"}"}
          ports:
          - {"{"}name: http, port: 80{"}"}
        """;

    private static string Slice(string name, string ns, string service, params (string Ip, string Ready, string Serving)[] endpoints)
    {
        var builder = new StringBuilder($"apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    kubernetes.io/service-name: {service}\naddressType: IPv4\nports:\n- {{name: http, port: 8080, protocol: TCP}}\nendpoints:{(endpoints.Length == 0 ? " []" : string.Empty)}\n");
        foreach (var (ip, ready, serving) in endpoints)
        {
            builder.Append($"- addresses: [\"{ip}\"]\n  conditions: {{ready: {ready}, serving: {serving}}}\n");
        }
        return builder.ToString();
    }
}
