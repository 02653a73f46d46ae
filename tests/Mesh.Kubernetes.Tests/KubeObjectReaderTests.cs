using Mesh.Kubernetes.Objects;
using Mesh.Kubernetes.Reading;
using Mesh.Testing;

namespace Mesh.Kubernetes.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class KubeObjectReaderTests
{
    [Fact]
    public void Read_CiliumEndpointYaml_AllFieldsTyped()
    {
        var cep = Single<CiliumEndpoint>("""
            apiVersion: cilium.io/v2
            kind: CiliumEndpoint
            metadata:
              name: cep-002
              namespace: bar
            status:
              identity:
                id: 199475
              networking:
                addressing:
                - ipv4: 10.244.2.74
                  ipv6: fd00::4a
                node: 172.18.0.2
              encryption:
                key: 5
              named-ports:
              - name: http
                port: 8080
                protocol: TCP
              service-account: default
            """);

        cep.Metadata.Key.Should().Be("bar/cep-002");
        cep.IdentityId.Should().Be(199475);
        cep.Addressing.Should().Equal(new EndpointAddressPair("10.244.2.74", "fd00::4a"));
        cep.NodeIp.Should().Be("172.18.0.2");
        cep.EncryptionKey.Should().Be(5);
        cep.NamedPorts.Should().Equal(new NamedPortSpec("http", 8080, "TCP"));
        cep.ServiceAccount.Should().Be("default");
    }

    [Fact]
    public void Read_ServiceWithAnnotationsAndPorts_Typed()
    {
        var svc = Single<KubeService>("""
            apiVersion: v1
            kind: Service
            metadata:
              name: echo
              namespace: ns-alpha
              annotations:
                service.cilium.io/global: "true"
            spec:
              clusterIP: 10.96.0.10
              ports:
              - name: http
                port: 80
              selector:
                app: echo
            """);

        svc.ClusterIps.Should().Equal("10.96.0.10");
        svc.Ports.Should().Equal(new ServicePortSpec("http", "TCP", 80, 0));
        svc.Metadata.Annotations["service.cilium.io/global"].Should().Be("true");
        svc.Type.Should().Be("ClusterIP");
    }

    [Fact]
    public void Read_EndpointSliceConditionsAndHints_Typed()
    {
        var slice = Single<EndpointSlice>("""
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: echo-abc
              namespace: ns-alpha
              labels:
                kubernetes.io/service-name: echo
            addressType: IPv4
            endpoints:
            - addresses: ["10.244.1.10"]
              conditions: {ready: true, serving: true, terminating: false}
              nodeName: node-1
              zone: zone-a
              hints:
                forZones: [{name: zone-a}]
            ports:
            - name: http
              port: 8080
              protocol: TCP
            """);

        slice.ServiceName.Should().Be("echo");
        slice.Endpoints.Should().ContainSingle().Which.Should().BeEquivalentTo(new EndpointSpec(["10.244.1.10"], true, true, false, "node-1", "zone-a", string.Empty, ["zone-a"]));
        slice.Ports.Should().Equal(new EndpointPortSpec("http", "TCP", 8080));
    }

    [Fact]
    public void Read_UnknownKind_Ignored()
    {
        var documents = YamlDocuments.Parse("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n");

        KubeObjectReader.Read(documents[0]).Should().BeNull();
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 70000}]}", "spec.ports[0].port: 70000 is outside 1..65535")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: http}]}", "spec.ports[0].port: expected an integer")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {namespace: x}\nspec: {}", "metadata.name: missing")]
    [InlineData("apiVersion: cilium.io/v2\nkind: CiliumIdentity\nmetadata: {name: abc}", "metadata.name: 'abc' is not a numeric identity")]
    [InlineData("apiVersion: cilium.io/v2\nkind: CiliumEndpoint\nmetadata: {name: e}\nstatus: {networking: {addressing: 5}}", "status.networking.addressing: expected a list")]
    [InlineData("apiVersion: cilium.io/v2\nkind: CiliumEndpoint\nmetadata: {name: e}\nstatus: {networking: {addressing: [{ipv4: 10.0.0.1}, 7]}}", "status.networking.addressing[1]: expected an object")]
    [InlineData("apiVersion: cilium.io/v2\nkind: CiliumEndpoint\nmetadata: {name: e}\nstatus: {networking: {addressing: [{ipv4: [10.0.0.1]}]}}", "status.networking.addressing[0].ipv4: expected a string")]
    [InlineData("apiVersion: cilium.io/v2\nkind: CiliumEndpoint\nmetadata: {name: e}\nstatus: {named-ports: [{name: http, port: 0}]}", "status.named-ports[0].port: 0 is outside 1..65535")]
    [InlineData("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e}\nendpoints: [{addresses: [], hints: {forZones: [{name: a}, x]}}]", "endpoints[0].hints.forZones[1]: expected an object")]
    [InlineData("apiVersion: cilium.io/v2\nkind: [CiliumEndpoint]\nmetadata: {name: e}", "kind: expected a string")]
    public void Read_MalformedObject_ErrorNamesField(string yaml, string expected)
    {
        var document = YamlDocuments.Parse(yaml)[0];

        var act = () => KubeObjectReader.Read(document);

        act.Should().Throw<KubeObjectException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void Read_KindAndVersionWithEscapesOrLongText_ReadLikePlainText()
    {
        var escaped = YamlDocuments.Parse("{\"apiVersion\": \"cilium\\u002eio/v2\", \"kind\": \"Cilium\\u0045ndpoint\", \"metadata\": {\"name\": \"e\", \"namespace\": \"n\"}}")[0];
        var longVersion = YamlDocuments.Parse($"apiVersion: example.{new string('x', 80)}.io/v1\nkind: CiliumEndpoint\nmetadata: {{name: e}}\n")[0];

        KubeObjectReader.Read(escaped).Should().BeOfType<CiliumEndpoint>().Which.Metadata.Key.Should().Be("n/e");
        KubeObjectReader.Read(longVersion).Should().BeNull("the group is not cilium.io");
    }

    [Fact]
    public void Read_SameNamespaceInManyObjects_OneStringInstance()
    {
        var documents = YamlDocuments.Parse(string.Concat(Enumerable.Range(0, 3).Select(i =>
            $"---\napiVersion: cilium.io/v2\nkind: CiliumEndpoint\nmetadata: {{name: e{i}, namespace: shared-ns}}\n---\napiVersion: cilium.io/v2\nkind: CiliumEndpoint\nmetadata: {{name: o{i}, namespace: other-{i}}}\n")));

        var namespaces = documents.Select(d => KubeObjectReader.Read(d)!.Metadata.Namespace).ToList();

        namespaces.Should().Equal("shared-ns", "other-0", "shared-ns", "other-1", "shared-ns", "other-2");
        ReferenceEquals(namespaces[0], namespaces[2]).Should().BeTrue();
        ReferenceEquals(namespaces[2], namespaces[4]).Should().BeTrue();
    }

    [Fact]
    public void Parse_ScalarTyping_FollowsYamlCoreSchema()
    {
        var document = YamlDocuments.Parse("a: 80\nb: \"80\"\nc: true\nd: 'true'\ne: ~\nf: 1.5\ng: 10.0.0.1\n")[0];

        document.GetProperty("a").GetInt32().Should().Be(80);
        document.GetProperty("b").GetString().Should().Be("80");
        document.GetProperty("c").GetBoolean().Should().BeTrue();
        document.GetProperty("d").GetString().Should().Be("true");
        document.GetProperty("e").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        document.GetProperty("f").GetDouble().Should().Be(1.5);
        document.GetProperty("g").GetString().Should().Be("10.0.0.1");
    }

    [Fact]
    public void Parse_AnchorsAndAliases_Resolved()
    {
        var document = YamlDocuments.Parse("labels: &l {app: web}\nselector: *l\nport: 80\n")[0];

        document.GetProperty("selector").GetProperty("app").GetString().Should().Be("web");
        document.GetProperty("port").GetInt32().Should().Be(80);
    }

    [Fact]
    public void Parse_BadYaml_ThrowsWithLine()
    {
        var act = () => YamlDocuments.Parse("a: 1\nb: [unclosed\n");

        act.Should().Throw<YamlDotNet.Core.YamlException>();
    }

    [Fact]
    public void Parse_MultiDocumentWithEmptyDocuments_ReturnsEachObject()
    {
        YamlDocuments.Parse("---\na: 1\n---\n---\nb: 2\n").Should().HaveCount(2);
    }

    private static T Single<T>(string yaml)
        where T : class, IKubeObject => (T)KubeObjectReader.Read(YamlDocuments.Parse(yaml).Single())!;
}
