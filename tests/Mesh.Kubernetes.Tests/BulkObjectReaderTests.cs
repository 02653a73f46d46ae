using System.Text;
using Mesh.Kubernetes.Objects;
using Mesh.Kubernetes.Reading;
using Mesh.Testing;

namespace Mesh.Kubernetes.Tests;

/// <summary>The one-pass reader of the bulk kinds reads exactly what the general reader reads, or leaves the object to it.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class BulkObjectReaderTests
{
    private const string Endpoint = "apiVersion: cilium.io/v2\nkind: CiliumEndpoint\n";
    private const string Identity = "apiVersion: cilium.io/v2\nkind: CiliumIdentity\n";

    /// <summary>Shapes the one-pass reader must read itself (they are what manifest dumps hold).</summary>
    public static TheoryData<string> Handled() =>
    [
        Endpoint + "metadata: {name: pod-1, namespace: ns-1}\nstatus:\n  identity:\n    id: 65536\n  networking:\n    addressing:\n    - ipv4: 10.0.0.1\n    node: 172.18.0.2\n",
        Endpoint + """
            metadata:
              name: cep-002
              namespace: bar
              creationTimestamp: "2024-01-02T03:04:05Z"
              resourceVersion: "12345"
              uid: 2b9a0c6e-0000-0000-0000-000000000000
              labels: {app: web, version: 2, canary: true}
              annotations: {note: "x"}
              ownerReferences: [{kind: Pod, name: cep-002}]
            status:
              id: 1234
              identity:
                id: 199475
                labels: ["k8s:app=web", "k8s:io.kubernetes.pod.namespace=bar"]
              networking:
                addressing:
                - ipv4: 10.244.2.74
                  ipv6: fd00::4a
                - ipv6: fd00::4b
                node: 172.18.0.2
              encryption: {key: 5}
              named-ports:
              - {name: http, port: 8080, protocol: TCP}
              - {name: dns}
              service-account: default
              state: ready
              policy: {ingress: {enforcing: false}}
            """,
        Endpoint + "metadata: {name: no-status}\n",
        Endpoint + "metadata: {name: null-status, namespace: n}\nstatus: null\n",
        Endpoint + "metadata: {name: nulls, namespace: n}\nstatus: {identity: null, networking: {addressing: null, node: null}, encryption: null, named-ports: null}\n",
        Endpoint + "metadata: {name: numeric-node, namespace: n}\nstatus: {networking: {node: 12}}\n",
        Endpoint + "metadata: {name: null-namespace, namespace: null}\n",
        Endpoint + "metadata: {name: numeric-namespace, namespace: 7}\n",
        "metadata: {name: kind-last, namespace: n}\nstatus: {identity: {id: 7}}\nkind: CiliumEndpoint\napiVersion: cilium.io/v2\n",
        Identity + "metadata: {name: \"65536\"}\nsecurity-labels:\n  k8s:app: app-1\n  k8s:io.kubernetes.pod.namespace: ns-1\n",
        Identity + "metadata: {name: \"70000\", namespace: ignored, labels: {a: b}}\nsecurity-labels: null\n",
        Identity + "metadata: {name: \"70001\"}\n",
        "apiVersion: cilium.io/v2alpha1\nkind: CiliumEndpoint\nmetadata: {name: \"zürich-ü\", namespace: \"caf\\u00e9\"}\n",
    ];

    /// <summary>Shapes left to the general reader: other kinds and anything it would word an error for or read its own way.</summary>
    public static TheoryData<string> LeftToTheGeneralReader() =>
    [
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n",
        "apiVersion: cilium.io/v3\nkind: CiliumEndpoint\nmetadata: {name: future}\n",
        Endpoint + "metadata: {name: string-id, namespace: n}\nstatus: {identity: {id: \"42\"}}\n",
        Endpoint + "metadata: {name: e}\nstatus: {networking: {addressing: 5}}\n",
        Endpoint + "metadata: {name: e}\nstatus: {networking: {addressing: [7]}}\n",
        Endpoint + "metadata: {name: e}\nstatus: {named-ports: [{name: http, port: 0}]}\n",
        Endpoint + "metadata: {name: e}\nstatus: {identity: {id: -1}}\n",
        Endpoint + "metadata: {namespace: x}\n",
        Endpoint + "metadata: {name: e, creationTimestamp: yesterday}\n",
        Endpoint + "metadata: {name: e, labels: {a: [1]}}\n",
        Identity + "metadata: {name: abc}\n",
        Identity + "metadata: {name: \"1\"}\nsecurity-labels: {a: {b: c}}\n",
        "{\"apiVersion\": \"cilium.io/v2\", \"kind\": \"CiliumEndpoint\", \"metadata\": {\"name\": \"first\"}, \"metadata\": {\"name\": \"second\"}}",
        "{\"apiVersion\": \"cilium.io/v2\", \"kind\": \"CiliumEndpoint\", \"metadata\": {\"name\": \"e\"}, \"status\": {\"id\": 1, \"id\": 2}}",
    ];

    [Theory]
    [MemberData(nameof(Handled))]
    public void TryRead_CommonShapes_ReadInOnePassLikeTheGeneralReader(string yaml)
    {
        using var documents = YamlDocuments.ParseScoped(yaml);

        var fast = BulkObjectReader.TryRead(documents.Json(0));
        var general = KubeObjectReader.Read(documents[0]);

        fast.Should().NotBeNull("this shape is the one-pass reader's to read");
        fast.Should().BeOfType(general!.GetType());
        fast.Should().BeEquivalentTo(general, options => options.RespectingRuntimeTypes());
    }

    [Theory]
    [MemberData(nameof(LeftToTheGeneralReader))]
    public void TryRead_OtherKindsAndUnusualShapes_LeftToTheGeneralReader(string yaml)
    {
        using var documents = YamlDocuments.ParseScoped(yaml);

        BulkObjectReader.TryRead(documents.Json(0)).Should().BeNull();
    }

    [Fact]
    public void TryRead_NotJsonOrTruncated_LeftToTheGeneralReader()
    {
        BulkObjectReader.TryRead("{\"apiVersion\": \"cilium.io/v2\", \"kind\": \"CiliumEndpoint\", \"metadata\": {\"name\": "u8).Should().BeNull();
        BulkObjectReader.TryRead("[1, 2]"u8).Should().BeNull();
        BulkObjectReader.TryRead(ReadOnlySpan<byte>.Empty).Should().BeNull();
        BulkObjectReader.TryRead(Encoding.UTF8.GetBytes(new string('[', 200) + new string(']', 200))).Should().BeNull();
    }

    [Fact]
    public void Json_EachDocument_ExactlyTheBytesOfItsElement()
    {
        using var documents = YamlDocuments.ParseScoped("---\na: 1\n---\n# only a comment\n---\nb: [x, y]\n---\nc: {d: e}\n");

        documents.Count.Should().Be(3);
        Enumerable.Range(0, 3).Select(i => Encoding.UTF8.GetString(documents.Json(i))).Should().Equal("{\"a\":1}", "{\"b\":[\"x\",\"y\"]}", "{\"c\":{\"d\":\"e\"}}");
        documents[2].GetProperty("c").GetProperty("d").GetString().Should().Be("e");
    }

    [Fact]
    public void TryRead_PodsOnOneNode_ShareTheNodeAddressString()
    {
        using var documents = YamlDocuments.ParseScoped(Endpoint + "metadata: {name: a}\nstatus: {networking: {node: 172.18.0.2}}\n---\n" + Endpoint + "metadata: {name: b}\nstatus: {networking: {node: 172.18.0.2}}\n");

        var first = (CiliumEndpoint)BulkObjectReader.TryRead(documents.Json(0))!;
        var second = (CiliumEndpoint)BulkObjectReader.TryRead(documents.Json(1))!;

        second.NodeIp.Should().Be("172.18.0.2");
        ReferenceEquals(first.NodeIp, second.NodeIp).Should().BeTrue();
    }

    [Fact]
    public void TryRead_SameNamespaceAsTheGeneralReader_SharesItsString()
    {
        using var documents = YamlDocuments.ParseScoped(Endpoint + "metadata: {name: a, namespace: one-ns}\n---\n" + Endpoint + "metadata: {name: b, namespace: one-ns}\n");

        var fast = BulkObjectReader.TryRead(documents.Json(0))!;
        var general = KubeObjectReader.Read(documents[1])!;

        ReferenceEquals(fast.Metadata.Namespace, general.Metadata.Namespace).Should().BeTrue();
    }
}
