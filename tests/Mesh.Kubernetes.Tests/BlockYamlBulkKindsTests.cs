using System.Text;
using Mesh.Kubernetes.Objects;
using Mesh.Kubernetes.Reading;
using Mesh.Testing;

namespace Mesh.Kubernetes.Tests;

/// <summary>
/// CiliumEndpoints and CiliumIdentities read straight from block YAML come out exactly as the JSON path reads them
/// (the one-pass JSON reader, else the general reader), or are left to that path.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class BlockYamlBulkKindsTests
{
    private const string Endpoint = "apiVersion: cilium.io/v2\nkind: CiliumEndpoint\n";
    private const string Identity = "apiVersion: cilium.io/v2\nkind: CiliumIdentity\n";

    /// <summary>Block-layout shapes the YAML reader must read itself: what kubectl dumps and the benchmark's manifests look like.</summary>
    public static TheoryData<string> ReadStraight() =>
    [
        Endpoint + "metadata:\n  name: pod-1\n  namespace: ns-1\nstatus:\n  identity:\n    id: 65536\n  networking:\n    addressing:\n    - ipv4: 10.0.0.1\n    node: 172.18.0.2\n",
        Endpoint + """
            metadata:
              name: cep-002
              namespace: bar
              creationTimestamp: "2024-01-02T03:04:05Z"
              resourceVersion: "12345"
              uid: 2b9a0c6e-0000-0000-0000-000000000000
              labels:
                app: web
                version: 2
                canary: true
                "quoted key": 'it''s'
              annotations:
                note: "x\ty"
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"apiVersion":"cilium.io/v2"}
              ownerReferences:
              - kind: Pod
                name: cep-002
                controller: true
              managedFields:
              - apiVersion: cilium.io/v2
                fieldsType: FieldsV1
                fieldsV1:
                  f:status:
                    .: {}
                    f:networking: {}
                manager: cilium-agent
            status:
              id: 1234   # the agent's endpoint ID
              identity:
                id: 199475
                labels:
                  - k8s:app=web
                  - "k8s:io.kubernetes.pod.namespace=bar"
              networking:
                addressing:
                  - ipv4: 10.244.2.74
                    ipv6: fd00::4a
                  - ipv6: fd00::4b
                    extra: [1, 2]
                node: 172.18.0.2
              encryption:
                key: 5
              named-ports:
              - name: http
                port: 8080
                protocol: TCP
              - name: dns
              service-account: default
              state: ready
              policy:
                ingress:
                  enforcing: false
            """,
        Endpoint + "metadata:\n  name: no-status\n",
        Endpoint + "metadata:\n  name: null-status\n  namespace: n\nstatus: null\n",
        Endpoint + "metadata:\n  name: empty-status\nstatus:\n",
        Endpoint + "metadata:\n  name: nulls\n  namespace: n\nstatus:\n  identity: null\n  networking:\n    addressing: ~\n    node:\n  encryption:\n  named-ports: null\n",
        Endpoint + "metadata:\n  name: numeric-node\n  namespace: n\nstatus:\n  networking:\n    node: 12\n",
        Endpoint + "metadata:\n  name: null-namespace\n  namespace: null\n",
        Endpoint + "metadata:\n  name: numeric-namespace\n  namespace: 007\n",
        "# a comment first\nmetadata:\n  name: kind-last\n  namespace: n\nstatus:\n  identity:\n    id: 7\nkind: CiliumEndpoint\napiVersion: cilium.io/v2\n",
        "\"apiVersion\": 'cilium.io/v2'\n'kind': \"CiliumEndpoint\"\nmetadata:\n    name: four-spaces\n    labels:\n        a: b\n",
        Identity + "metadata:\n  name: \"65536\"\nsecurity-labels:\n  k8s:app: app-1\n  k8s:io.kubernetes.pod.namespace: ns-1\n",
        Identity + "metadata:\n  name: \"70000\"\n  namespace: ignored\n  labels:\n    a: b\nsecurity-labels: null\n",
        Identity + "metadata:\n  name: 70001\n",
        "apiVersion: cilium.io/v2alpha1\nkind: CiliumEndpoint\nmetadata:\n  name: \"zürich-ü\"\n  namespace: \"caf\\u00e9\"\n",
    ];

    /// <summary>Shapes the YAML reader leaves to the JSON path: other kinds, flow collections, and everything the JSON readers refuse or read their own way.</summary>
    public static TheoryData<string> LeftToTheJsonPath() =>
    [
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n",
        "apiVersion: cilium.io/v3\nkind: CiliumEndpoint\nmetadata:\n  name: future\n",
        "apiVersion: cilium.io/v2\nkind: CiliumNode\nmetadata:\n  name: node-1\n",
        Endpoint + "metadata: {name: flow, namespace: n}\n",
        Endpoint + "metadata:\n  name: flow-status\nstatus: {identity: {id: 7}}\n",
        Endpoint + "metadata:\n  name: string-id\nstatus:\n  identity:\n    id: \"42\"\n",
        Endpoint + "metadata:\n  name: real-id\nstatus:\n  identity:\n    id: 1e3\n",
        Endpoint + "metadata:\n  name: e\nstatus:\n  networking:\n    addressing: 5\n",
        Endpoint + "metadata:\n  name: e\nstatus:\n  networking:\n    addressing:\n    - 7\n",
        Endpoint + "metadata:\n  name: e\nstatus:\n  networking:\n    addressing:\n    -\n      ipv4: 10.0.0.1\n",
        Endpoint + "metadata:\n  name: e\nstatus:\n  named-ports:\n  - name: http\n    port: 0\n",
        Endpoint + "metadata:\n  name: e\nstatus:\n  identity:\n    id: -1\n",
        Endpoint + "metadata:\n  name: e\nstatus:\n  identity:\n    labels:\n    - 5\n",
        Endpoint + "metadata:\n  namespace: x\n",
        Endpoint + "metadata:\n  name: e\n  creationTimestamp: yesterday\n",
        Endpoint + "metadata:\n  name: e\n  labels:\n    a:\n    - 1\n",
        Endpoint + "metadata:\n  name: e\n  labels:\n    a: null\n",
        Endpoint + "metadata:\n  name: e\n  namespace: 1.5\n",
        Endpoint + "metadata:\n  name: e\n  namespace: true\n",
        Endpoint + "metadata: null\n",
        Endpoint + "metadata:\n  name: first\nmetadata:\n  name: second\n",
        Endpoint + "metadata:\n  name: e\nstatus:\n  id: 1\n  id: 2\n",
        Endpoint + "metadata:\n  name: folded\n  annotations:\n    a: >\n      folded text\n",
        Identity + "metadata:\n  name: abc\n",
        Identity + "metadata:\n  name: \"1\"\nsecurity-labels:\n  a:\n    b: c\n",
        "kind: CiliumEndpoint\nmetadata:\n  name: no-api-version\n",
        "apiVersion: 5\nkind: CiliumEndpoint\nmetadata:\n  name: e\n",
        "  apiVersion: cilium.io/v2\n  kind: CiliumEndpoint\n  metadata:\n    name: indented-document\n",
    ];

    [Theory]
    [MemberData(nameof(ReadStraight))]
    public void ReadObject_BlockLayout_ReadStraightAndEqualToTheJsonPath(string yaml)
    {
        using var direct = YamlDocuments.ParseScoped(yaml.AsMemory(), readBulkKinds: true);
        var expected = ReadThroughJson(yaml).Single();

        var read = direct.ReadObject(0);

        read.Should().NotBeNull("this layout is the YAML reader's to read");
        read.Should().BeOfType(expected!.GetType());
        read.Should().BeEquivalentTo(expected, options => options.RespectingRuntimeTypes());
    }

    [Theory]
    [MemberData(nameof(LeftToTheJsonPath))]
    public void ReadObject_OtherKindsAndUnusualShapes_LeftToTheJsonPath(string yaml)
    {
        using var direct = YamlDocuments.ParseScoped(yaml.AsMemory(), readBulkKinds: true);

        direct.ReadObject(0).Should().BeNull();
        // The document is then there as JSON, exactly as without the YAML reader.
        using var plain = YamlDocuments.ParseScoped(yaml.AsMemory());
        Encoding.UTF8.GetString(direct.Json(0)).Should().Be(Encoding.UTF8.GetString(plain.Json(0)));
    }

    [Fact]
    public void ParseScoped_MixedFile_JsonDocumentsKeepTheirPlaceAmongObjectsReadStraight()
    {
        var yaml = Identity + "metadata:\n  name: \"65536\"\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\n# only a comment\n---\n"
            + Endpoint + "metadata:\n  name: pod\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n";

        using var documents = YamlDocuments.ParseScoped(yaml.AsMemory(), readBulkKinds: true);

        documents.Count.Should().Be(4);
        documents.ReadObject(0).Should().BeOfType<CiliumIdentity>();
        documents.ReadObject(1).Should().BeNull();
        documents.ReadObject(2).Should().BeOfType<CiliumEndpoint>();
        documents.ReadObject(3).Should().BeNull();
        documents[1].GetProperty("kind").GetString().Should().Be("Service");
        documents[3].GetProperty("kind").GetString().Should().Be("Namespace");
        documents.Select(d => d.GetProperty("kind").GetString()).Should().Equal("Service", "Namespace");
        var json = () => documents.Json(0).Length;
        json.Should().Throw<InvalidOperationException>().WithMessage("document 1 was read straight into its object*");
        var element = () => documents[2];
        element.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Content_ObjectReadStraight_FollowsItsText()
    {
        const string Yaml = Endpoint + "metadata:\n  name: pod\nstatus:\n  identity:\n    id: 7\n";
        using var first = YamlDocuments.ParseScoped(Yaml.AsMemory(), readBulkKinds: true);
        using var same = YamlDocuments.ParseScoped(("---\n" + Yaml).AsMemory(), readBulkKinds: true);
        using var changed = YamlDocuments.ParseScoped(Yaml.Replace("id: 7", "id: 8", StringComparison.Ordinal).AsMemory(), readBulkKinds: true);

        first.ReadObject(0).Should().NotBeNull();
        same.Content(0).Should().Be(first.Content(0));
        changed.Content(0).Should().NotBe(first.Content(0));
    }

    [Fact]
    public void ParseScoped_ObjectLeftToTheJsonPath_ItsLinesReadAsWrittenThere()
    {
        // The addressing item ("- ipv4: ...") is read from mid-line by the YAML reader before it gives up at the
        // encryption key: the JSON path must see that line as it was.
        const string Yaml = Endpoint + "metadata:\n  name: e\nstatus:\n  networking:\n    addressing:\n    - ipv4: 10.0.0.1\n      ipv6: fd00::1\n  encryption:\n    key: 300\n";

        using var direct = YamlDocuments.ParseScoped(Yaml.AsMemory(), readBulkKinds: true);
        using var plain = YamlDocuments.ParseScoped(Yaml.AsMemory());

        direct.ReadObject(0).Should().BeNull();
        Encoding.UTF8.GetString(direct.Json(0)).Should().Be(Encoding.UTF8.GetString(plain.Json(0)));
    }

    [Fact]
    public void ReadObject_RandomBulkDocuments_ReadStraightOnlyAsTheJsonPathReadsThem()
    {
        var random = new Random(20261123);
        var straight = 0;
        var refusedByBoth = 0;
        for (var i = 0; i < 4000; i++)
        {
            var yaml = RandomBulkYaml.Document(random);
            using var direct = BlockYamlReader.TryParse(yaml.AsMemory(), readBulkKinds: true);
            using var plain = BlockYamlReader.TryParse(yaml.AsMemory());
            if (plain is null)
            {
                // Outside the block subset: the YAML reader must not have read anything the full parser would read instead.
                direct.Should().BeNull($"the JSON path gave this text to the full parser:\n{yaml}");
                continue;
            }
            direct.Should().NotBeNull($"the JSON path read this text:\n{yaml}");
            direct!.Count.Should().Be(plain.Count);
            for (var d = 0; d < direct.Count; d++)
            {
                var read = direct.ReadObject(d);
                IKubeObject? expected;
                try
                {
                    expected = BulkObjectReader.TryRead(plain.Json(d)) ?? KubeObjectReader.Read(plain[d]);
                }
                catch (KubeObjectException)
                {
                    read.Should().BeNull($"the JSON path refuses this object:\n{yaml}");
                    refusedByBoth++;
                    continue;
                }
                if (read is null)
                {
                    Encoding.UTF8.GetString(direct.Json(d)).Should().Be(Encoding.UTF8.GetString(plain.Json(d)), yaml);
                    continue;
                }
                straight++;
                expected.Should().NotBeNull($"the JSON path reads no object from:\n{yaml}");
                read.Should().BeOfType(expected!.GetType(), yaml);
                read.Should().BeEquivalentTo(expected, options => options.RespectingRuntimeTypes(), yaml);
            }
        }
        // Many generated documents are unusual on purpose; still, a good share must be read straight, or this test
        // proves little (1034 read straight and 3298 refused by both, of some 8000, with this seed).
        straight.Should().BeGreaterThan(900, $"{refusedByBoth} were refused by both");
        refusedByBoth.Should().BeGreaterThan(1000);
    }

    private static List<IKubeObject?> ReadThroughJson(string yaml)
    {
        using var documents = YamlDocuments.ParseScoped(yaml.AsMemory());
        return [.. Enumerable.Range(0, documents.Count).Select(i => BulkObjectReader.TryRead(documents.Json(i)) ?? KubeObjectReader.Read(documents[i]))];
    }

    /// <summary>CiliumEndpoints and CiliumIdentities in block layout, with fields in any order, values of every type, extra subtrees and comments.</summary>
    private static class RandomBulkYaml
    {
        private static readonly string[] Names = ["pod-1", "\"65536\"", "65536", "007", "null", "\"\"", "1.5", "'quoted'", "true", "a b", "\"esc\\u00e9\"", "~", "x #c"];
        private static readonly string[] Strings = ["ns-1", "\"ns-1\"", "'ns-1'", "7", "-3", "null", "", "1e3", "true", "10.0.0.1", "fd00::1", "\"fd00::1\"", "a: b", "'it''s'", "[x]", "{a: b}", "|"];
        private static readonly string[] Integers = ["1", "65536", "0", "-1", "255", "256", "65535", "65536", "4294967295", "4294967296", "\"42\"", "null", "1e3", "0x10", "x", "", "007", "+5"];
        private static readonly string[] AddressFields = ["ipv4", "ipv6", "extra"];
        private static readonly string[] Times = ["\"2024-01-02T03:04:05Z\"", "2024-01-02T03:04:05Z", "yesterday", "null", "\"\""];

        public static string Document(Random random)
        {
            var text = new StringBuilder();
            var count = random.Next(1, 4);
            for (var d = 0; d < count; d++)
            {
                if (d > 0 || random.Next(4) == 0)
                {
                    text.Append("---\n");
                }
                if (random.Next(8) == 0)
                {
                    text.Append("# comment\n");
                }
                var indent = random.Next(3) == 0 ? 4 : 2;
                var identity = random.Next(3) == 0;
                var entries = new List<Action>
                {
                    () => text.Append("apiVersion: ").Append(Pick(random, "cilium.io/v2", "cilium.io/v2", "\"cilium.io/v2\"", "cilium.io/v2alpha1", "v1", "null", "5")).Append('\n'),
                    () => text.Append("kind: ").Append(identity ? Pick(random, "CiliumIdentity", "CiliumIdentity", "'CiliumIdentity'", "Service") : Pick(random, "CiliumEndpoint", "CiliumEndpoint", "\"CiliumEndpoint\"", "CiliumNode")).Append('\n'),
                    () => Metadata(text, random, indent),
                };
                if (random.Next(5) > 0)
                {
                    entries.Add(identity ? () => Map(text, random, "security-labels", 0, indent) : () => Status(text, random, indent));
                }
                if (random.Next(4) == 0)
                {
                    entries.Add(() => Other(text, random, "spec", 0, indent, 2));
                }
                if (random.Next(10) == 0)
                {
                    // A field given twice.
                    entries.Add(entries[random.Next(entries.Count)]);
                }
                foreach (var entry in entries.OrderBy(_ => random.Next(3) == 0 ? random.Next() : 0))
                {
                    entry();
                }
            }
            return text.ToString();
        }

        private static void Metadata(StringBuilder text, Random random, int indent)
        {
            if (random.Next(20) == 0)
            {
                text.Append("metadata: ").Append(Pick(random, "null", "{name: flow}", "[]")).Append('\n');
                return;
            }
            text.Append("metadata:").Append(Comment(random)).Append('\n');
            var i = new string(' ', indent);
            var fields = new List<Action>
            {
                () => text.Append(i).Append("name: ").Append(Pick(random, Names)).Append('\n'),
            };
            if (random.Next(4) > 0)
            {
                fields.Add(() => text.Append(i).Append("namespace: ").Append(Pick(random, Strings)).Append(Comment(random)).Append('\n'));
            }
            if (random.Next(3) == 0)
            {
                fields.Add(() => Map(text, random, "labels", indent, indent));
            }
            if (random.Next(4) == 0)
            {
                fields.Add(() => Map(text, random, "annotations", indent, indent));
            }
            if (random.Next(3) == 0)
            {
                fields.Add(() => text.Append(i).Append("resourceVersion: ").Append(Pick(random, "\"123\"", "123", "null", "x")).Append('\n'));
            }
            if (random.Next(3) == 0)
            {
                fields.Add(() => text.Append(i).Append("creationTimestamp: ").Append(Pick(random, Times)).Append('\n'));
            }
            if (random.Next(3) == 0)
            {
                fields.Add(() => Other(text, random, "managedFields", indent, indent, 3));
            }
            foreach (var field in fields.OrderBy(_ => random.Next()))
            {
                field();
            }
        }

        private static void Status(StringBuilder text, Random random, int indent)
        {
            if (random.Next(12) == 0)
            {
                text.Append("status: ").Append(Pick(random, "null", "~", "{id: 1}", "5")).Append('\n');
                return;
            }
            text.Append("status:\n");
            var i = new string(' ', indent);
            var ii = new string(' ', 2 * indent);
            var fields = new List<Action>
            {
                () =>
                {
                    text.Append(i).Append("identity:\n").Append(ii).Append("id: ").Append(Pick(random, Integers)).Append(Comment(random)).Append('\n');
                    if (random.Next(3) == 0)
                    {
                        Sequence(text, random, "labels", 2 * indent, indent, () => Pick(random, "k8s:app=web", "\"k8s:a=b\"", "5", "null", "reserved:host", "- x"));
                    }
                },
                () =>
                {
                    text.Append(i).Append("networking:\n");
                    Addressing(text, random, 2 * indent, indent);
                    text.Append(ii).Append("node: ").Append(Pick(random, Strings)).Append('\n');
                },
            };
            if (random.Next(4) == 0)
            {
                fields.Add(() => text.Append(i).Append("encryption:\n").Append(ii).Append("key: ").Append(Pick(random, Integers)).Append('\n'));
            }
            if (random.Next(4) == 0)
            {
                fields.Add(() => NamedPorts(text, random, indent, indent));
            }
            if (random.Next(3) == 0)
            {
                fields.Add(() => text.Append(i).Append("id: ").Append(Pick(random, Integers)).Append('\n'));
            }
            if (random.Next(3) == 0)
            {
                fields.Add(() => text.Append(i).Append("service-account: ").Append(Pick(random, Strings)).Append('\n'));
            }
            if (random.Next(3) == 0)
            {
                fields.Add(() => Other(text, random, "policy", indent, indent, 2));
            }
            foreach (var field in fields.OrderBy(_ => random.Next()))
            {
                field();
            }
        }

        private static void Addressing(StringBuilder text, Random random, int column, int indent)
        {
            var key = new string(' ', column);
            if (random.Next(10) == 0)
            {
                text.Append(key).Append("addressing: ").Append(Pick(random, "null", "5", "[]")).Append('\n');
                return;
            }
            text.Append(key).Append("addressing:\n");
            // The items at the key's column, as kubectl writes them, or indented.
            var dash = new string(' ', random.Next(2) == 0 ? column : column + indent);
            for (var n = random.Next(1, 3); n > 0; n--)
            {
                if (random.Next(15) == 0)
                {
                    text.Append(dash).Append("- ").Append(Pick(random, "7", "null", "{ipv4: 10.0.0.1}")).Append('\n');
                    continue;
                }
                var item = dash + "  ";
                var first = true;
                foreach (var field in AddressFields.Where(_ => random.Next(3) > 0).OrderBy(_ => random.Next()))
                {
                    text.Append(first ? dash + "- " : item).Append(field).Append(": ").Append(field == "extra" ? "[1, 2]" : Pick(random, "10.0.0.1", "\"10.0.0.2\"", "fd00::1", "null", "5")).Append('\n');
                    first = false;
                }
                if (first)
                {
                    text.Append(dash).Append("- ipv4: 10.0.0.3\n");
                }
            }
        }

        private static void NamedPorts(StringBuilder text, Random random, int column, int indent)
        {
            text.Append(' ', column).Append("named-ports:\n");
            var dash = new string(' ', random.Next(2) == 0 ? column : column + indent);
            for (var n = random.Next(1, 3); n > 0; n--)
            {
                text.Append(dash).Append("- name: ").Append(Pick(random, "http", "dns", "null", "80")).Append('\n');
                if (random.Next(3) > 0)
                {
                    text.Append(dash).Append("  port: ").Append(Pick(random, Integers)).Append('\n');
                }
                if (random.Next(2) == 0)
                {
                    text.Append(dash).Append("  protocol: ").Append(Pick(random, "TCP", "UDP", "null")).Append('\n');
                }
            }
        }

        private static void Map(StringBuilder text, Random random, string key, int column, int indent)
        {
            text.Append(' ', column).Append(key).Append(':');
            if (random.Next(10) == 0)
            {
                text.Append(' ').Append(Pick(random, "null", "{}", "{a: b}", "x")).Append('\n');
                return;
            }
            text.Append('\n');
            for (var n = random.Next(0, 4); n > 0; n--)
            {
                text.Append(' ', column + indent).Append(Pick(random, "k8s:app", "app", "\"io.cilium/x\"", "'a b'", "k8s:io.kubernetes.pod.namespace"))
                    .Append(": ").Append(Pick(random, "web", "\"web\"", "5", "true", "False", "null", "1.5", "'x''y'", "[1]", "a#b", "x # comment")).Append('\n');
            }
        }

        private static void Sequence(StringBuilder text, Random random, string key, int column, int indent, Func<string> item)
        {
            text.Append(' ', column).Append(key).Append(":\n");
            var dash = new string(' ', random.Next(2) == 0 ? column : column + indent);
            for (var n = random.Next(1, 4); n > 0; n--)
            {
                text.Append(dash).Append("- ").Append(item()).Append('\n');
            }
        }

        /// <summary>A field the readers do not know: a subtree of mappings, sequences and flow values to walk past.</summary>
        private static void Other(StringBuilder text, Random random, string key, int column, int indent, int depth)
        {
            text.Append(' ', column).Append(key).Append(':');
            if (depth == 0 || random.Next(4) == 0)
            {
                text.Append(' ').Append(Pick(random, "{}", "[a, {b: c}]", "x", "\"y\"", "null", "|\n" + new string(' ', column + indent) + "block")).Append('\n');
                return;
            }
            text.Append('\n');
            if (random.Next(2) == 0)
            {
                for (var n = random.Next(1, 3); n > 0; n--)
                {
                    Other(text, random, Pick(random, "f:status", ".", "k:{\"ip\":\"10.0.0.1\"}", "manager", "x"), column + indent, indent, depth - 1);
                }
                return;
            }
            for (var n = random.Next(1, 3); n > 0; n--)
            {
                var inner = new StringBuilder();
                Other(inner, random, Pick(random, "apiVersion", "fieldsV1", "y"), column + 2, indent, depth - 1);
                text.Append(' ', column).Append("- ").Append(inner.ToString().AsSpan(column + 2));
            }
        }

        private static string Comment(Random random) => random.Next(8) == 0 ? "  # note" : string.Empty;

        /// <summary>Half the time the first (usual) value, else any: most documents stay readable, and every odd value still comes up.</summary>
        private static string Pick(Random random, params string[] values) => values[random.Next(2) == 0 ? 0 : random.Next(values.Length)];
    }
}
