using Mesh.ClusterMesh.Apiserver.Export;
using Mesh.ClusterMesh.Export;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Etcd.Backend;
using Mesh.KvStore.Store;
using Mesh.Kubernetes.Manifests;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.ClusterMesh.Apiserver.Tests.Integration;

/// <summary>
/// Cilium-style scenario against a real etcd: manifests change step by step, and after each step the whole
/// <c>cilium/state/</c> content (read with etcdctl) must equal the expected JSON.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class EtcdExportScenarioTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [EtcdFact]
    public async Task Exporter_ManifestSteps_EtcdContentMatchesAfterEach()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        var manifests = Directory.CreateTempSubdirectory("mesh-scenario-").FullName;
        try
        {
            await using var kv = KvStoreFactory.Create(new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = etcd.ClientEndpoints })));
            Write(manifests, "ns.yaml", Namespace("bar", "true"));
            Write(manifests, "identity.yaml", """
                apiVersion: cilium.io/v2
                kind: CiliumIdentity
                metadata: {name: "196915"}
                security-labels:
                  k8s:app: baz
                  k8s:io.cilium.k8s.policy.cluster: cluster3
                  k8s:io.kubernetes.pod.namespace: bar
                """);
            Write(manifests, "cep.yaml", Endpoint("10.244.2.74"));
            Write(manifests, "node.yaml", """
                apiVersion: cilium.io/v2
                kind: CiliumNode
                metadata: {name: node-1}
                spec:
                  addresses: [{type: InternalIP, ip: 172.18.0.2}]
                  ipam: {podCIDRs: [10.244.2.0/24]}
                """);
            Write(manifests, "svc.yaml", """
                apiVersion: v1
                kind: Service
                metadata:
                  name: echo
                  namespace: bar
                  annotations: {service.cilium.io/global: "true"}
                spec:
                  clusterIP: 10.96.0.10
                  ports: [{name: http, port: 80}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: echo-1
                  namespace: bar
                  labels: {kubernetes.io/service-name: echo}
                addressType: IPv4
                ports: [{name: http, port: 8080, protocol: TCP}]
                endpoints: [{addresses: [10.244.2.74], conditions: {ready: true}}]
                """);
            var source = new ManifestDirectorySource(manifests, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance, TimeSpan.FromMilliseconds(50));
            await using var exporter = new ClusterExporter(kv, source, new ExportOptions("cluster3", 3), TimeProvider.System, NullLoggerFactory.Instance);
            using var stop = new CancellationTokenSource();
            var run = exporter.RunAsync(stop.Token);
            await exporter.ReadyTask.WaitAsync(Patience);

            var ip74 = """{"IP":"10.244.2.74","Mask":null,"HostIP":"172.18.0.2","ID":196915,"Key":0,"Metadata":"","K8sNamespace":"bar","K8sPodName":"cep-002","K8sServiceAccount":"default"}""";
            var node = """{"Name":"node-1","Cluster":"cluster3","IPAddresses":[{"Type":"InternalIP","IP":"172.18.0.2"}],"IPv4AllocCIDR":{"IP":"10.244.2.0","Mask":"////AA=="},"IPv4SecondaryAllocCIDRs":null,"IPv6AllocCIDR":null,"IPv6SecondaryAllocCIDRs":null,"IPv4HealthIP":"","IPv6HealthIP":"","IPv4IngressIP":"","IPv6IngressIP":"","ClusterID":3,"Source":"custom-resource","EncryptionKey":0,"Labels":null,"Annotations":null,"WireguardPubKey":"","BootID":""}""";
            var service = """{"cluster":"cluster3","namespace":"bar","name":"echo","frontends":{"10.96.0.10":{"http":{"Protocol":"TCP","Port":80}}},"backends":{"10.244.2.74":{"http":{"Protocol":"TCP","Port":8080}}},"labels":{},"selector":null,"includeExternal":true,"shared":true,"clusterID":3}""";
            var identity = "k8s:app=baz;k8s:io.cilium.k8s.policy.cluster=cluster3;k8s:io.kubernetes.pod.namespace=bar;";
            await ExpectStateAsync(etcd, new()
            {
                ["cilium/state/identities/v1/id/196915"] = identity,
                ["cilium/state/ip/v1/default/10.244.2.74"] = ip74,
                ["cilium/state/nodes/v1/cluster3/node-1"] = node,
                ["cilium/state/services/v1/cluster3/bar/echo"] = service,
            });

            // Step 2: the endpoint moves to another IP.
            Write(manifests, "cep.yaml", Endpoint("10.244.2.75"));
            await ExpectStateAsync(etcd, new()
            {
                ["cilium/state/identities/v1/id/196915"] = identity,
                ["cilium/state/ip/v1/default/10.244.2.75"] = ip74.Replace("10.244.2.74", "10.244.2.75", StringComparison.Ordinal),
                ["cilium/state/nodes/v1/cluster3/node-1"] = node,
                ["cilium/state/services/v1/cluster3/bar/echo"] = service,
            });

            // Step 3: the namespace is annotated non-global: its identity, endpoint and service leave etcd.
            Write(manifests, "ns.yaml", Namespace("bar", "false"));
            await ExpectStateAsync(etcd, new() { ["cilium/state/nodes/v1/cluster3/node-1"] = node });

            // Step 4: the node goes away.
            File.Delete(Path.Combine(manifests, "node.yaml"));
            await ExpectStateAsync(etcd, []);

            await stop.CancelAsync();
            await run;
        }
        finally
        {
            Directory.Delete(manifests, recursive: true);
        }
    }

    private static async Task ExpectStateAsync(EtcdFixture etcd, Dictionary<string, string> expected)
    {
        using var timeout = new CancellationTokenSource(Patience);
        Dictionary<string, string> actual;
        while (true)
        {
            actual = (await etcd.Ctl.GetPrefixAsync("cilium/state/")).ToDictionary(p => p.Key, p => p.Value);
            if (actual.Count == expected.Count && expected.All(e => actual.GetValueOrDefault(e.Key) == e.Value))
            {
                return;
            }
            if (timeout.IsCancellationRequested)
            {
                break;
            }
            await Task.Delay(50, CancellationToken.None);
        }
        actual.Should().BeEquivalentTo(expected);
    }

    private static void Write(string directory, string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(Random.Shared.Next(1, 100000)));
    }

    private static string Namespace(string name, string global) =>
        $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  annotations:\n    clustermesh.cilium.io/global: \"{global}\"\n";

    private static string Endpoint(string ip) => $"""
        apiVersion: cilium.io/v2
        kind: CiliumEndpoint
        metadata: {"{"}name: cep-002, namespace: bar{"}"}
        status:
          identity: {"{"}id: 196915{"}"}
          networking:
            addressing: [{"{"}ipv4: {ip}{"}"}]
            node: 172.18.0.2
          service-account: default
        """;
}
