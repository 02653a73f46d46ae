using System.Net;
using System.Text;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Cilium.Values;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Etcd.Backend;
using Mesh.KvStore.Store;
using Mesh.KvStore.Sync;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.KvStore.Tests.Integration;

/// <summary>The kvstore's acceptance scenarios against a real etcd: crashes, lost leases, TLS, and Cilium's exact bytes.</summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class EtcdStoreScenarioTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [EtcdFact]
    public async Task WatchStore_EtcdKilledAndRestarted_EndsEqualToEtcdWithoutLostOrGhostEntries()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        using var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        await using var kv = Connect(etcd, loggers: loggers);
        for (var i = 0; i < 100; i++)
        {
            await kv.UpdateAsync($"w/{i:D3}", Bytes($"v{i}"), withLease: false, CancellationToken.None);
        }
        var store = TextStore("w");
        using var stop = new CancellationTokenSource();
        var watching = store.WatchAsync(kv, stop.Token);
        await store.Synced.WaitAsync(Patience);

        await etcd.KillAsync();
        await etcd.RestartAsync();
        // Changes right after the restart, then compaction: the watch either resumes or has to relist.
        for (var i = 0; i < 20; i++)
        {
            await etcd.Ctl.RunAsync("del", $"w/{i:D3}");
        }
        for (var i = 100; i < 150; i++)
        {
            await etcd.Ctl.PutAsync($"w/{i:D3}", $"v{i}");
        }
        var revision = await CurrentRevisionAsync(etcd);
        (await etcd.Ctl.RunAsync("compact", revision.ToString(System.Globalization.CultureInfo.InvariantCulture))).EnsureSuccess();

        var expected = (await etcd.Ctl.GetPrefixAsync("w/")).ToDictionary(p => p.Key["w/".Length..], p => p.Value);
        expected.Should().HaveCount(130);
        try
        {
            await Eventually.UntilAsync(() => store.Entries.Count == expected.Count && expected.All(e => store.Entries.GetValueOrDefault(e.Key) == e.Value));
        }
        catch (TimeoutException)
        {
            store.Entries.Should().BeEquivalentTo(expected, $"the store must end equal to etcd; log:\n{logs.Text}");
        }
        await stop.CancelAsync();
        await watching.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [EtcdFact]
    public async Task WatchStore_KeysDeletedWhileDisconnected_SweptOnReconnect()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        var store = TextStore("m");
        await using (var first = Connect(etcd))
        {
            await first.UpdateAsync("m/keep", Bytes("1"), withLease: false, CancellationToken.None);
            await first.UpdateAsync("m/gone", Bytes("2"), withLease: false, CancellationToken.None);
            using var stop = new CancellationTokenSource();
            var watching = store.WatchAsync(first, stop.Token);
            await store.Synced.WaitAsync(Patience);
            await stop.CancelAsync();
            await watching.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        // Disconnected: etcd crashes, and after its restart a key is deleted and history compacted.
        await etcd.KillAsync();
        await etcd.RestartAsync();
        await etcd.Ctl.RunAsync("del", "m/gone");
        await etcd.Ctl.PutAsync("m/new", "3");
        (await etcd.Ctl.RunAsync("compact", (await CurrentRevisionAsync(etcd)).ToString(System.Globalization.CultureInfo.InvariantCulture))).EnsureSuccess();
        store.Entries.Keys.Should().Contain("gone", "nothing has told the store yet");

        await using var second = Connect(etcd);
        using var stopSecond = new CancellationTokenSource();
        var again = store.WatchAsync(second, stopSecond.Token);

        await Eventually.UntilAsync(() => store.Entries.Count == 2 && store.Entries.ContainsKey("new"));
        store.Entries.Keys.Should().Equal("keep", "new");
        await stopSecond.CancelAsync();
        await again.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [EtcdFact]
    public async Task SyncStore_LeaseRevokedInEtcd_KeysAndCanaryWrittenAgain()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await using var kv = Connect(etcd, new KvStoreOptions { LeaseTtl = TimeSpan.FromSeconds(6) });
        await using var sync = new SyncStore(kv, new SyncStoreOptions
        {
            Prefix = CiliumKeys.NodesPrefix,
            SourceCluster = "c1",
            CanaryKey = CiliumKeys.SyncCanary("c1", CiliumKeys.CanarySuffix(CiliumResource.Nodes, cached: false)),
        }, TimeProvider.System, NullLogger<SyncStore>.Instance);
        using var stop = new CancellationTokenSource();
        var loop = sync.RunAsync(stop.Token);
        sync.Upsert("c1/n1", Bytes("node"));
        sync.MarkSynced();
        await sync.SyncedTask.WaitAsync(Patience);
        var lease = (await kv.GetAsync($"{CiliumKeys.NodesPrefix}/c1/n1", CancellationToken.None))!.Lease;

        (await etcd.Ctl.RunAsync("lease", "revoke", lease.ToString("x", System.Globalization.CultureInfo.InvariantCulture))).EnsureSuccess();
        (await etcd.Ctl.GetPrefixAsync("cilium/")).Should().BeEmpty("the lease took its keys with it");

        // The keep-alive (every TTL/3) finds the lease gone and the store writes its keys again.
        await Eventually.UntilAsync(async () => (await etcd.Ctl.GetPrefixAsync("cilium/")).Count == 2);
        (await kv.GetAsync($"{CiliumKeys.NodesPrefix}/c1/n1", CancellationToken.None))!.Lease.Should().NotBe(lease);
        await stop.CancelAsync();
        await loop;
    }

    [EtcdFact]
    public async Task KvStore_TlsWithClientCertificate_WritesAndWatches()
    {
        await using var etcd = await EtcdFixture.StartAsync(new EtcdOptions { Tls = true });
        var client = etcd.IssueClientCertificate("mesh-client");
        await using var kv = KvStoreFactory.Create(new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions
        {
            Endpoints = etcd.ClientEndpoints,
            CaFile = client.CaPath,
            CertFile = client.CertificatePath,
            KeyFile = client.KeyPath,
        })));

        await kv.UpdateAsync("tls/a", Bytes("secret"), withLease: true, CancellationToken.None);

        (await etcd.Ctl.GetAsync("tls/a")).Should().Be("secret");
        (await kv.ListPrefixAsync("tls/", CancellationToken.None)).Entries.Should().ContainSingle();
    }

    [EtcdFact]
    public async Task SyncStores_SpecExampleValues_EtcdctlShowsCiliumBytes()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await using var kv = Connect(etcd);
        var identity = IdentityLabels.TryDecode(Bytes("k8s:app=baz;k8s:io.cilium.k8s.policy.cluster=cluster3;k8s:io.kubernetes.pod.namespace=bar;").ToArray()).Value!;
        var ip = new IpIdentityPair { Ip = IPAddress.Parse("10.244.2.74"), HostIp = IPAddress.Parse("172.18.0.2"), Id = 199475, Key = 5, K8sNamespace = "bar", K8sPodName = "cep-002", K8sServiceAccount = "default" };
        var config = new CiliumClusterConfig(3, new ClusterCapabilities { SyncedCanaries = true, MaxConnectedClusters = 255, ServiceExportsEnabled = false });
        var stores = new[]
        {
            Store(kv, CiliumKeys.IdentitiesPrefix, CiliumResource.Identities),
            Store(kv, CiliumKeys.IpPrefix, CiliumResource.Ips),
        };
        using var stop = new CancellationTokenSource();
        var loops = stores.Select(s => s.RunAsync(stop.Token)).ToArray();

        stores[0].Upsert("196915", identity.Encode());
        stores[1].Upsert(ip.PrefixString, IpIdentityPairCodec.Encode(ip));
        await kv.UpdateAsync(CiliumKeys.ClusterConfig("cluster3"), CiliumClusterConfigCodec.Encode(config), withLease: true, CancellationToken.None);
        foreach (var store in stores)
        {
            store.MarkSynced();
            await store.SyncedTask.WaitAsync(Patience);
        }

        var shown = (await etcd.Ctl.GetPrefixAsync("cilium/")).ToDictionary(p => p.Key, p => p.Value);
        shown["cilium/state/identities/v1/id/196915"].Should().Be("k8s:app=baz;k8s:io.cilium.k8s.policy.cluster=cluster3;k8s:io.kubernetes.pod.namespace=bar;");
        shown["cilium/state/ip/v1/default/10.244.2.74"].Should().Be("""{"IP":"10.244.2.74","Mask":null,"HostIP":"172.18.0.2","ID":199475,"Key":5,"Metadata":"","K8sNamespace":"bar","K8sPodName":"cep-002","K8sServiceAccount":"default"}""");
        shown["cilium/cluster-config/cluster3"].Should().Be("""{"id":3,"capabilities":{"syncedCanaries":true,"maxConnectedClusters":255,"serviceExportsEnabled":false}}""");
        shown.Keys.Should().Contain("cilium/synced/cluster3/cilium/state/identities/v1").And.Contain("cilium/synced/cluster3/cilium/state/ip/v1");
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }

    private static SyncStore Store(IKvStore kv, string prefix, CiliumResource resource) => new(
        kv,
        new SyncStoreOptions { Prefix = prefix, SourceCluster = "cluster3", CanaryKey = CiliumKeys.SyncCanary("cluster3", CiliumKeys.CanarySuffix(resource, cached: false)) },
        TimeProvider.System,
        NullLogger<SyncStore>.Instance);

    private static IKvStore Connect(EtcdFixture etcd, KvStoreOptions? options = null, ILoggerFactory? loggers = null) =>
        KvStoreFactory.Create(
            new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = etcd.ClientEndpoints, Qps = 0, BootstrapQps = 0 }, loggers)),
            options ?? new KvStoreOptions { InitialRetryDelay = TimeSpan.FromMilliseconds(50) },
            TimeProvider.System,
            loggers);

    private static WatchStore<string> TextStore(string prefix) =>
        new(prefix, (_, value) => WatchStoreDecode<string>.Accept(Encoding.UTF8.GetString(value.Span)), null, NullLogger.Instance);

    private static async Task<long> CurrentRevisionAsync(EtcdFixture etcd)
    {
        var status = (await etcd.Ctl.RunAsync("endpoint", "status", "-w", "json")).EnsureSuccess().StandardOutput;
        var match = System.Text.RegularExpressions.Regex.Match(status, "\"revision\":(\\d+)");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
