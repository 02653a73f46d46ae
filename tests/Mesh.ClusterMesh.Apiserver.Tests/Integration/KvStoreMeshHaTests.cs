using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Mesh.ClusterMesh.Apiserver.KvStoreMesh;
using Mesh.ClusterMesh.Apiserver.KvStoreMesh.Ownership;
using Mesh.ClusterMesh.Config;
using Mesh.KvStore.Backend;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Etcd.Backend;
using Mesh.KvStore.Store;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Mesh.ClusterMesh.Apiserver.Tests.Integration;

/// <summary>
/// Three KVStoreMesh replicas against one local etcd reflecting one remote etcd: exactly one owns the remote; when it is
/// cut off, another takes over once its owner lease expires, the cache stays complete, and the old owner's fence no
/// longer lets it write.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class KvStoreMeshHaTests(ITestOutputHelper output)
{
    private static readonly TimeSpan OwnerTtl = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string OwnerKey = "cilium/.kvstoremesh-owners/remote1";

    [EtcdFact]
    public async Task OwnerCutOff_AnotherReplicaTakesOverWithinLeaseTtl_CacheCompleteAndStaleOwnerFencedOut()
    {
        await using var remoteEtcd = await EtcdFixture.StartAsync();
        await using var localEtcd = await EtcdFixture.StartAsync();
        await using var remoteBackend = new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = remoteEtcd.ClientEndpoints }));
        await using var remote = KvStoreFactory.Create(remoteBackend);
        await using var observerBackend = new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = localEtcd.ClientEndpoints }));
        await using var observer = KvStoreFactory.Create(observerBackend);
        await RemoteClusterSeed.WriteAsync(remote, "remote1", 7, Enumerable.Range(1, 50).Select(i => $"10.7.0.{i}"));

        var config = new RemoteClusterConfig("remote1", new EtcdClientOptions { Endpoints = remoteEtcd.ClientEndpoints });
        var replicas = new List<Replica>();
        using var stop = new CancellationTokenSource();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                replicas.Add(Replica.Start($"replica-{i}", localEtcd, config, stop.Token));
            }

            await Eventually.UntilAsync(() => replicas.Count(r => r.Status.Owned && r.Status.Ready) == 1, Patience, "one replica owning and synced");
            replicas.Count(r => r.Status.Owned).Should().Be(1, "exactly one replica reflects the remote");
            await AssertCacheCompleteAsync(remote, observer);
            var first = replicas.Single(r => r.Status.Owned);
            var firstFence = await FenceAsync(observer);
            output.WriteLine($"{first.Name} owns remote1 (owner key created at revision {firstFence.Number})");

            // Cut the owner off from the local etcd: it can neither renew nor write; its owner lease runs out.
            first.Backend.Partitioned = true;
            var cut = Stopwatch.StartNew();
            await Eventually.UntilAsync(() => replicas.Any(r => r != first && r.Status.Owned && r.Status.Ready), Patience, "another replica owning and synced");
            var takeover = cut.Elapsed;
            output.WriteLine($"takeover after {takeover.TotalSeconds:0.0} s (owner lease TTL {OwnerTtl.TotalSeconds} s)");
            var second = replicas.Single(r => r != first && r.Status.Owned);
            var holder = Encoding.UTF8.GetString((await observer.GetAsync(OwnerKey, CancellationToken.None))!.Value.Span);
            holder.Should().Be(second.Name);

            // The remote keeps changing; the new owner follows it and the cache stays complete.
            await remote.UpdateAsync(CiliumKeys.Ip("10.7.1.1"), Encoding.UTF8.GetBytes("""{"IP":"10.7.1.1","ID":458852}"""), withLease: false, CancellationToken.None);
            await remote.DeleteAsync(CiliumKeys.Ip("10.7.0.1"), CancellationToken.None);
            await Eventually.UntilAsync(async () => await CacheMatchesAsync(remote, observer), Patience, "cache complete after takeover");

            // The old owner comes back: its fence (the old owner key's create revision) refuses every write.
            first.Backend.Partitioned = false;
            var stale = new KvWrite(CiliumKeys.CachePrefixFor(CiliumResource.Ips, "remote1") + "/10.7.9.9", Encoding.UTF8.GetBytes("stale"));
            (await first.Local.WriteBatchIfAsync([firstFence], [stale], withLease: true, CancellationToken.None)).Should().BeFalse("a replica that lost ownership cannot write cache keys");
            (await observer.GetAsync(stale.Key, CancellationToken.None)).Should().BeNull();
            await Eventually.UntilAsync(() => !first.Status.Owned, Patience, "old owner notices the loss");
            replicas.Count(r => r.Status.Owned).Should().Be(1);
            await AssertCacheCompleteAsync(remote, observer);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var replica in replicas)
            {
                replica.Backend.Partitioned = false;
                await replica.DisposeAsync();
            }
        }
    }

    [EtcdFact]
    public async Task TwoRemotesWithOneIdOnDifferentReplicas_SecondRefusedUntilTheFirstIsRemoved()
    {
        await using var etcd2 = await EtcdFixture.StartAsync();
        await using var etcd3 = await EtcdFixture.StartAsync();
        await using var localEtcd = await EtcdFixture.StartAsync();
        await RemoteClusterSeed.WriteAsync(etcd2, "cluster2", 7, "10.2.0.1");
        await RemoteClusterSeed.WriteAsync(etcd3, "cluster3", 7, "10.3.0.1");
        await using var observerBackend = new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = localEtcd.ClientEndpoints }));
        await using var observer = KvStoreFactory.Create(observerBackend);
        using var stop = new CancellationTokenSource();
        // Each replica reflects one of them: only the replicas together know both IDs.
        var a = Replica.Start("replica-a", localEtcd, new RemoteClusterConfig("cluster2", new EtcdClientOptions { Endpoints = etcd2.ClientEndpoints }), stop.Token);
        await Eventually.UntilAsync(() => a.Status is { Owned: true, Ready: true }, Patience, "cluster2 reflected by replica-a");
        var b = Replica.Start("replica-b", localEtcd, new RemoteClusterConfig("cluster3", new EtcdClientOptions { Endpoints = etcd3.ClientEndpoints }), stop.Token);
        try
        {
            await Eventually.UntilAsync(() => b.Status is { Owned: true, Failures: >= 2 }, Patience, "cluster3 refused and retried on replica-b");
            b.Status.LastError.Should().Be("cluster ID 7 is already used by remote cluster 'cluster2' (reflected by another replica)");
            b.Status.Ready.Should().BeFalse();
            (await observer.ListPrefixAsync(CiliumKeys.CachePrefixFor(CiliumResource.Ips, "cluster3"), CancellationToken.None)).Entries.Should().BeEmpty("nothing of a refused remote is cached");

            // cluster2 leaves replica-a's configuration: drained, its claim released, cluster3 gets in on its next retry.
            a.Changes.TryWrite(new ClusterConfigChange(ClusterConfigChangeKind.Removed, "cluster2", null));
            await Eventually.UntilAsync(() => b.Status is { Ready: true, LastError: null }, Patience, "cluster3 reflected after cluster2 left");
            (await observer.ListPrefixAsync(CiliumKeys.CachePrefixFor(CiliumResource.Ips, "cluster3"), CancellationToken.None)).Entries.Should().ContainSingle();
            var claim = await observer.GetAsync("cilium/.kvstoremesh-owners-cluster-ids/7", CancellationToken.None);
            Encoding.UTF8.GetString(claim!.Value.Span).Should().Be("cluster3");
        }
        finally
        {
            await stop.CancelAsync();
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    [EtcdFact]
    public async Task ClaimClusterId_HeldByAnOwnedRemote_RefusedStaleClaimTakenOverOldIdGivenBack()
    {
        await using var localEtcd = await EtcdFixture.StartAsync();
        await using var backend = new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = localEtcd.ClientEndpoints }));
        var ownership = new EtcdRemoteOwnership(backend, new EtcdRemoteOwnershipOptions { Holder = "replica-a", Ttl = OwnerTtl }, TimeProvider.System, NullLogger<EtcdRemoteOwnership>.Instance);
        await using var store = KvStoreFactory.Create(backend);
        const string Claims = "cilium/.kvstoremesh-owners-cluster-ids/";

        // "ghost" claimed 7, and some replica still owns it: refused.
        await store.UpdateAsync(Claims + "7", Encoding.UTF8.GetBytes("ghost"), withLease: false, CancellationToken.None);
        await store.UpdateAsync("cilium/.kvstoremesh-owners/ghost", Encoding.UTF8.GetBytes("replica-b"), withLease: false, CancellationToken.None);
        (await ownership.ClaimClusterIdAsync("cluster3", 7, CancellationToken.None)).Should().Be("ghost");

        // Nobody owns "ghost" any more: its claim is stale and taken over.
        await store.DeleteAsync("cilium/.kvstoremesh-owners/ghost", CancellationToken.None);
        (await ownership.ClaimClusterIdAsync("cluster3", 7, CancellationToken.None)).Should().BeNull();
        (await ownership.ClaimClusterIdAsync("cluster3", 7, CancellationToken.None)).Should().BeNull("claiming its own ID again");

        // A new ID gives the old one back; releasing gives up the last.
        (await ownership.ClaimClusterIdAsync("cluster3", 9, CancellationToken.None)).Should().BeNull();
        (await store.ListPrefixAsync(Claims, CancellationToken.None)).Entries.Select(e => e.Key).Should().Equal(Claims + "9");
        await ownership.ReleaseClusterIdAsync("cluster3", CancellationToken.None);
        (await store.ListPrefixAsync(Claims, CancellationToken.None)).Entries.Should().BeEmpty();
    }

    private static async Task<TxnCompare> FenceAsync(IKvStore local)
    {
        var owner = await local.ListPrefixAsync(OwnerKey, CancellationToken.None);
        owner.Entries.Should().ContainSingle();
        // The create revision of the owner key: a fresh key (no rewrite since) has mod revision = create revision.
        return TxnCompare.CreateRevision(OwnerKey, CompareResult.Equal, owner.Entries[0].ModRevision);
    }

    private static async Task AssertCacheCompleteAsync(IKvStore remote, IKvStore local) =>
        (await CacheMatchesAsync(remote, local)).Should().BeTrue("the cache holds exactly the remote's entries");

    private static async Task<bool> CacheMatchesAsync(IKvStore remote, IKvStore local)
    {
        var source = CiliumKeys.AsPrefix(CiliumKeys.IpPrefix);
        var cache = CiliumKeys.AsPrefix(CiliumKeys.CachePrefixFor(CiliumResource.Ips, "remote1"));
        var want = (await remote.ListPrefixAsync(source, CancellationToken.None)).Entries.Select(e => e.Key[source.Length..]).ToHashSet(StringComparer.Ordinal);
        var have = (await local.ListPrefixAsync(cache, CancellationToken.None)).Entries.Select(e => e.Key[cache.Length..]).ToHashSet(StringComparer.Ordinal);
        return want.SetEquals(have);
    }

    /// <summary>One apiserver replica's KVStoreMesh: its own etcd client, data leases and owner leases.</summary>
    private sealed class Replica : IAsyncDisposable
    {
        private readonly Task _run;

        private Replica(string name, PartitionableBackend backend, IKvStore local, KvStoreMesh.KvStoreMesh mesh, ChannelWriter<ClusterConfigChange> changes, Task run)
        {
            Name = name;
            Changes = changes;
            Backend = backend;
            Local = local;
            Mesh = mesh;
            _run = run;
        }

        public string Name { get; }

        /// <summary>This replica's view of the config directory: post a change to add, change or remove a remote.</summary>
        public ChannelWriter<ClusterConfigChange> Changes { get; }

        public PartitionableBackend Backend { get; }

        public IKvStore Local { get; }

        public KvStoreMesh.KvStoreMesh Mesh { get; }

        public RemoteClusterStatus Status => Mesh.Statuses.Single();

        public static Replica Start(string name, EtcdFixture localEtcd, RemoteClusterConfig config, CancellationToken stop)
        {
            var backend = new PartitionableBackend(new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = localEtcd.ClientEndpoints, MaxRetryAttempts = 1 })));
            var local = KvStoreFactory.Create(backend, new KvStoreOptions { LeaseTtl = TimeSpan.FromMinutes(15) });
            var ownership = new EtcdRemoteOwnership(backend, new EtcdRemoteOwnershipOptions { Holder = name, Ttl = OwnerTtl }, TimeProvider.System, NullLogger<EtcdRemoteOwnership>.Instance);
            var mesh = new KvStoreMesh.KvStoreMesh(
                local,
                new KvStoreMeshOptions { LocalClusterName = "local", LocalClusterId = 1, ReconnectDelay = TimeSpan.FromMilliseconds(200) },
                c =>
                {
                    var remote = new EtcdKvBackend(EtcdClientFactory.Create(c.ConnectOptions()));
                    return new RemoteConnection(KvStoreFactory.Create(remote), remote);
                },
                ownership,
                TimeProvider.System,
                NullLoggerFactory.Instance);
            var changes = Channel.CreateUnbounded<ClusterConfigChange>();
            changes.Writer.TryWrite(new ClusterConfigChange(ClusterConfigChangeKind.Added, config.Name, config));
            changes.Writer.TryWrite(ClusterConfigChange.InitialScanDone);
            return new Replica(name, backend, local, mesh, changes.Writer, mesh.RunAsync(changes.Reader.ReadAllAsync(stop), stop));
        }

        public async ValueTask DisposeAsync()
        {
            await _run;
            await Local.DisposeAsync();
            await Backend.DisposeAsync();
        }
    }
}
