using System.Text;
using Mesh.ClusterMesh.Apiserver.Export;
using Mesh.ClusterMesh.Apiserver.KvStoreMesh;
using Mesh.ClusterMesh.Export;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Cilium.Validation;
using Mesh.KvStore.Cilium.Values;
using Mesh.KvStore.Embedded;
using Mesh.KvStore.Store;
using Mesh.Kubernetes.Manifests;
using Mesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.ClusterMesh.Apiserver.Tests;

/// <summary>Exporter and KVStoreMesh on embedded kvstores: what lands in etcd, key by key.</summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class KvStoreMeshTests : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly string _manifests = Directory.CreateTempSubdirectory("mesh-apiserver-").FullName;
    private readonly EmbeddedBackend _remoteBackend = new(TimeProvider.System);
    private readonly EmbeddedBackend _localBackend = new(TimeProvider.System);
    private readonly IKvStore _remote;
    private readonly IKvStore _local;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _runs = [];

    public KvStoreMeshTests()
    {
        _remote = KvStoreFactory.Create(_remoteBackend);
        _local = KvStoreFactory.Create(_localBackend);
    }

    private int _disposed;

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 cleans up through IAsyncLifetime; IAsyncDisposable is for everyone else (and the analyzers).
    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public async Task DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await CleanUpAsync();
    }

    private async Task CleanUpAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_runs).ContinueWith(_ => { }, TaskScheduler.Default);
        await _remote.DisposeAsync();
        await _local.DisposeAsync();
        await _remoteBackend.DisposeAsync();
        await _localBackend.DisposeAsync();
        _stop.Dispose();
        Directory.Delete(_manifests, recursive: true);
    }

    [Fact]
    public async Task Exporter_Manifests_WritesConfigHeartbeatEntriesAndCanaries()
    {
        var exporter = await StartExporterAsync("remote1", 7);

        var keys = (await _remote.ListPrefixAsync("cilium/", CancellationToken.None)).Entries.ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(e.Value.Span));

        keys["cilium/cluster-config/remote1"].Should().Be("""{"id":7,"capabilities":{"syncedCanaries":true,"maxConnectedClusters":255,"serviceExportsEnabled":false}}""");
        keys.Should().ContainKey("cilium/.heartbeat");
        keys.Keys.Should().Contain([
            "cilium/state/identities/v1/id/458852",
            "cilium/state/ip/v1/default/10.7.0.1",
            "cilium/synced/remote1/cilium/state/identities/v1",
            "cilium/synced/remote1/cilium/state/ip/v1",
            "cilium/synced/remote1/cilium/state/nodes/v1",
            "cilium/synced/remote1/cilium/state/services/v1",
            "cilium/synced/remote1/cilium/state/serviceexports/v1",
        ]);
        (await _remote.ListPrefixAsync("cilium/", CancellationToken.None)).Entries.Should().OnlyContain(e => e.Lease != 0, "everything the apiserver writes is leased");
        exporter.IsReady.Should().BeTrue();
    }

    [Fact]
    public async Task Reflector_ValidRemote_MirrorsIntoCacheWithCachedConfigAndCanaries()
    {
        await StartExporterAsync("remote1", 7);
        var reflector = new RemoteClusterReflector("remote1", _local, new ClusterLimits(), 1, TimeProvider.System, NullLoggerFactory.Instance);
        _runs.Add(reflector.RunAsync(_remote, _stop.Token));

        await reflector.ReadyTask.WaitAsync(Patience);

        var keys = (await _local.ListPrefixAsync("cilium/", CancellationToken.None)).Entries.ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(e.Value.Span));
        keys["cilium/cluster-config/remote1"].Should().Be("""{"id":7,"capabilities":{"syncedCanaries":true,"cached":true,"maxConnectedClusters":255,"serviceExportsEnabled":false}}""");
        keys.Keys.Should().Contain([
            "cilium/cache/identities/v1/remote1/id/458852",
            "cilium/cache/ip/v1/remote1/10.7.0.1",
            "cilium/synced/remote1/cilium/cache/identities/v1",
            "cilium/synced/remote1/cilium/cache/ip/v1",
        ]);
        keys["cilium/cache/ip/v1/remote1/10.7.0.1"].Should().Be(Encoding.UTF8.GetString((await _remote.GetAsync("cilium/state/ip/v1/default/10.7.0.1", CancellationToken.None))!.Value.Span), "the cache holds the same bytes");
        reflector.Status.Should().Match<RemoteClusterStatus>(s => s.Ready && s.Connected && s.ClusterId == 7 && s.Counts[CiliumResource.Ips] == 1);

        // Live changes flow through, and drain removes everything of the remote.
        await File.WriteAllTextAsync(Path.Combine(_manifests, "more.yaml"), Endpoint("late", "10.7.0.2", 458852));
        await Eventually.UntilAsync(async () => await _local.GetAsync("cilium/cache/ip/v1/remote1/10.7.0.2", CancellationToken.None) is not null);
        await _stop.CancelAsync();
        await reflector.DrainAsync(CancellationToken.None);
        (await _local.ListPrefixAsync("cilium/", CancellationToken.None)).Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task Reflector_RemoteWithOurClusterId_RefusedWithReasonInStatus()
    {
        await _remote.UpdateAsync(CiliumKeys.ClusterConfig("remote1"), CiliumClusterConfigCodec.Encode(new CiliumClusterConfig(1, new ClusterCapabilities { SyncedCanaries = true })), withLease: false, CancellationToken.None);
        var reflector = new RemoteClusterReflector("remote1", _local, new ClusterLimits(), 1, TimeProvider.System, NullLoggerFactory.Instance);
        _runs.Add(reflector.RunAsync(_remote, _stop.Token));

        await Eventually.UntilAsync(() => Task.FromResult(reflector.Status.Failures > 0));

        reflector.Status.Should().Match<RemoteClusterStatus>(s => !s.Ready && !s.ConfigRetrieved);
        reflector.Status.LastError.Should().Contain("uses ID 1, which is the local cluster's ID");
        (await _local.ListPrefixAsync("cilium/", CancellationToken.None)).Entries.Should().BeEmpty();
    }

    private async Task<ClusterExporter> StartExporterAsync(string cluster, uint id)
    {
        var first = (id << 16) + 100;
        await File.WriteAllTextAsync(Path.Combine(_manifests, "objects.yaml"), $"""
            apiVersion: cilium.io/v2
            kind: CiliumIdentity
            metadata: {"{"}name: "{first}"{"}"}
            security-labels:
              k8s:app: echo
              k8s:io.cilium.k8s.policy.cluster: {cluster}
              k8s:io.kubernetes.pod.namespace: demo
            ---
            {Endpoint("echo-0", $"10.{id}.0.1", first)}
            """);
        var source = new ManifestDirectorySource(_manifests, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance, TimeSpan.FromMilliseconds(50));
        var exporter = new ClusterExporter(_remote, source, new ExportOptions(cluster, id), TimeProvider.System, NullLoggerFactory.Instance);
        _runs.Add(exporter.RunAsync(_stop.Token));
        await exporter.ReadyTask.WaitAsync(Patience);
        return exporter;
    }

    private static string Endpoint(string name, string ip, uint identity) => $"""
        apiVersion: cilium.io/v2
        kind: CiliumEndpoint
        metadata: {"{"}name: {name}, namespace: demo{"}"}
        status:
          identity: {"{"}id: {identity}{"}"}
          networking:
            addressing: [{"{"}ipv4: {ip}{"}"}]
            node: 172.18.0.2
        """;
}
