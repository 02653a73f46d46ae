using System.Net;
using System.Text.Json;
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

namespace Mesh.ClusterMesh.Apiserver.Host.Tests;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class ApiserverHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [EtcdFact]
    public async Task RunAsync_ManifestsAndOneRemote_ServesReadyStatusMetricsAndCachesRemote()
    {
        await using var etcd1 = await EtcdFixture.StartAsync();
        await using var etcd2 = await EtcdFixture.StartAsync();
        var work = Directory.CreateTempSubdirectory("mesh-host-").FullName;
        using var stop = new CancellationTokenSource();
        var runs = new List<Task>();
        try
        {
            // cluster2's apiserver, exporting into etcd2.
            var manifests2 = Directory.CreateDirectory(Path.Combine(work, "cluster2")).FullName;
            await File.WriteAllTextAsync(Path.Combine(manifests2, "cep.yaml"), Endpoint("10.2.0.1", 131172));
            await using var kv2 = KvStoreFactory.Create(new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = etcd2.ClientEndpoints })));
            await using var exporter2 = new ClusterExporter(kv2, new ManifestDirectorySource(manifests2, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance), new ExportOptions("cluster2", 2), TimeProvider.System, NullLoggerFactory.Instance);
            runs.Add(exporter2.RunAsync(stop.Token));

            // cluster1's apiserver host: its own manifests, and cluster2 in the clustermesh config dir.
            var manifests1 = Directory.CreateDirectory(Path.Combine(work, "cluster1")).FullName;
            await File.WriteAllTextAsync(Path.Combine(manifests1, "cep.yaml"), Endpoint("10.1.0.1", 65636));
            var meshConfig = Directory.CreateDirectory(Path.Combine(work, "clustermesh")).FullName;
            await File.WriteAllTextAsync(Path.Combine(meshConfig, "cluster2"), $"endpoints:\n- {etcd2.ClientEndpoint}\n");
            await File.WriteAllTextAsync(Path.Combine(meshConfig, "broken"), "endpoints: [not a url]\n");
            var port = FreeTcpPort.Allocate();
            var options = new ApiserverOptions
            {
                ClusterName = "cluster1",
                ClusterId = 1,
                KvStoreEndpoints = etcd1.ClientEndpoints,
                ManifestsDirectory = manifests1,
                ClusterMeshConfigDirectory = meshConfig,
                HealthAddress = "127.0.0.1",
                HealthPort = port,
                // The broken remote never connects: it stops counting for readiness after this.
                PerClusterReadyTimeout = TimeSpan.FromSeconds(2),
            };
            options.Validate().Should().BeEmpty();
            runs.Add(ApiserverHost.RunAsync(options, NullLoggerFactory.Instance, _ => { }, stop.Token));

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            // Generous: in the full suite this runs next to other assemblies starting etcd and building eBPF objects.
            await Eventually.UntilAsync(async () => (await TryGetAsync(http, "/readyz")) == HttpStatusCode.OK, TimeSpan.FromSeconds(90), "apiserver ready");

            (await http.GetStringAsync(new Uri("/healthz", UriKind.Relative))).Should().Be("ok");
            using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v1/status", UriKind.Relative)));
            status.RootElement.GetProperty("ready").GetBoolean().Should().BeTrue();
            var clusters = status.RootElement.GetProperty("clusters").EnumerateArray().ToList();
            clusters.Select(c => c.GetProperty("name").GetString()).Should().Equal("broken", "cluster2");
            clusters[0].GetProperty("ready").GetBoolean().Should().BeFalse();
            clusters[0].GetProperty("status").GetString().Should().Contain("endpoint 'not a url'", "an unusable config is refused with its reason");
            await Eventually.UntilAsync(async () =>
            {
                using var again = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v1/status", UriKind.Relative)));
                return again.RootElement.GetProperty("clusters")[1].GetProperty("ready").GetBoolean();
            });
            using var synced = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v1/status", UriKind.Relative)));
            var remote = synced.RootElement.GetProperty("clusters")[1];
            remote.GetProperty("ready").GetBoolean().Should().BeTrue();
            remote.GetProperty("num-endpoints").GetInt32().Should().Be(1);
            remote.GetProperty("config").GetProperty("cluster-id").GetInt32().Should().Be(2);
            var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            metrics.Should().Contain("# TYPE cilium_clustermesh_apiserver_kvstore_sync_queue_size gauge")
                .And.Contain("cilium_clustermesh_apiserver_kvstore_initial_sync_completed{action=\"write\",scope=\"ips\",source_cluster=\"cluster1\"} 1");

            // Spec §2.9: the apiserver's and KVStoreMesh's names, each under its own namespace.
            metrics.Should().Contain("# TYPE cilium_clustermesh_apiserver_kvstore_sync_errors_total counter")
                .And.Contain("cilium_clustermesh_apiserver_bootstrap_seconds{source_cluster=\"cluster1\"} ")
                .And.Contain("# TYPE cilium_kvstoremesh_bootstrap_seconds gauge")
                .And.Contain("cilium_kvstoremesh_remote_clusters{source_cluster=\"cluster1\"} 2")
                .And.Contain("cilium_kvstoremesh_remote_cluster_readiness_status{source_cluster=\"cluster1\",target_cluster=\"cluster2\"} 1")
                .And.Contain("cilium_kvstoremesh_remote_cluster_readiness_status{source_cluster=\"cluster1\",target_cluster=\"broken\"} 0")
                .And.Contain("cilium_kvstoremesh_remote_cluster_failures{source_cluster=\"cluster1\",target_cluster=\"broken\"} 1")
                .And.Contain("# TYPE cilium_kvstoremesh_remote_cluster_last_failure_ts gauge")
                .And.Contain("cilium_kvstoremesh_leader_election_master_status{name=\"cluster2\"} 1")
                .And.Contain("# TYPE cilium_kvstoremesh_kvstore_sync_errors_total counter")
                .And.Contain("cilium_kvstoremesh_kvstore_sync_queue_size{scope=\"cache/ips\",source_cluster=\"cluster2\"} 0")
                .And.Contain("cilium_kvstoremesh_kvstore_initial_sync_completed{action=\"write\",scope=\"cache/ips\",source_cluster=\"cluster2\"} 1")
                .And.NotContain("cilium_clustermesh_apiserver_kvstore_initial_sync_completed{action=\"write\",scope=\"cache/ips\"", "cache writers report under the kvstoremesh namespace");

            (await etcd1.Ctl.GetAsync("cilium/state/ip/v1/default/10.1.0.1")).Should().Contain("\"ID\":65636");
            (await etcd1.Ctl.GetAsync("cilium/cache/ip/v1/cluster2/10.2.0.1")).Should().Contain("\"ID\":131172");
            (await etcd1.Ctl.GetAsync("cilium/cluster-config/cluster2")).Should().Contain("\"cached\":true");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(runs).ContinueWith(_ => { }, TaskScheduler.Default);
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Unit)]
    public void Validate_BadOptions_ReportsEveryFlag()
    {
        var errors = new ApiserverOptions { ClusterName = "Bad_Name", ClusterId = 0, KvStoreTlsCert = "/nonexistent", HealthPort = 70000 }.Validate();

        string.Join('\n', errors).Should().Contain("--cluster-name").And.Contain("--cluster-id").And.Contain("--kvstore-endpoints")
            .And.Contain("--kvstore-tls-cert/--kvstore-tls-key").And.Contain("--k8s-manifests/--kubeconfig").And.Contain("--health-port");
    }

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static string Endpoint(string ip, uint identity) => $"""
        apiVersion: cilium.io/v2
        kind: CiliumEndpoint
        metadata: {"{"}name: pod, namespace: demo{"}"}
        status:
          identity: {"{"}id: {identity}{"}"}
          networking:
            addressing: [{"{"}ipv4: {ip}{"}"}]
            node: 172.18.0.2
        """;
}
