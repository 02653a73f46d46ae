using System.Text;
using System.Threading.Channels;
using Mesh.ClusterMesh.Apiserver.KvStoreMesh;
using Mesh.ClusterMesh.Config;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Cilium.Values;
using Mesh.KvStore.Embedded;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Store;
using Mesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.ClusterMesh.Apiserver.Tests;

/// <summary>KVStoreMesh following config changes: add connects, change reconnects with mark and sweep, remove drains.</summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class KvStoreMeshLiveReloadTests : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, EmbeddedBackend> _remotes = new(StringComparer.Ordinal)
    {
        ["http://a:2379"] = new EmbeddedBackend(TimeProvider.System),
        ["http://b:2379"] = new EmbeddedBackend(TimeProvider.System),
        ["http://silent:2379"] = new EmbeddedBackend(TimeProvider.System),
    };
    private readonly EmbeddedBackend _localBackend = new(TimeProvider.System);
    private readonly IKvStore _local;
    private readonly Channel<ClusterConfigChange> _changes = Channel.CreateUnbounded<ClusterConfigChange>();
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    public KvStoreMeshLiveReloadTests() => _local = KvStoreFactory.Create(_localBackend);

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
        await _run;
        await _local.DisposeAsync();
        await _localBackend.DisposeAsync();
        foreach (var backend in _remotes.Values)
        {
            await backend.DisposeAsync();
        }
        _stop.Dispose();
    }

    [Fact]
    public async Task RunAsync_AddChangeRemove_ConnectsReconnectsWithSweepAndDrains()
    {
        await SeedAsync("http://a:2379", "remote1", 7, "10.7.0.1", "10.7.0.2");
        await SeedAsync("http://b:2379", "remote1", 7, "10.7.0.1", "10.7.0.3");
        var mesh = Start(new KvStoreMeshOptions { LocalClusterName = "local", LocalClusterId = 1 });

        Post(ClusterConfigChangeKind.Added, "http://a:2379");
        _changes.Writer.TryWrite(ClusterConfigChange.InitialScanDone);
        await mesh.ReadyTask.WaitAsync(Patience);
        (await CachedIpsAsync()).Should().Equal("10.7.0.1", "10.7.0.2");
        mesh.Statuses.Should().ContainSingle().Which.Should().Match<RemoteClusterStatus>(s => s.Ready && s.Owned && s.ClusterId == 7);

        // The file now points elsewhere: reconnect; what the new connection does not list is swept from the cache.
        Post(ClusterConfigChangeKind.Changed, "http://b:2379");
        await Eventually.UntilAsync(async () => (await CachedIpsAsync()).SequenceEqual(["10.7.0.1", "10.7.0.3"]), Patience, "cache after reconnect");

        Post(ClusterConfigChangeKind.Removed, null);
        await Eventually.UntilAsync(async () => (await _local.ListPrefixAsync("cilium/", CancellationToken.None)).Entries.Count == 0, Patience, "drained cache");
        await Eventually.UntilAsync(() => mesh.Statuses.Count == 0, Patience, "remote gone from status");
    }

    [Fact]
    public async Task RunAsync_RemoteNeverConnects_ReadyAfterPerClusterTimeoutWithFailureInStatus()
    {
        await SeedAsync("http://a:2379", "remote1", 7, "10.7.0.1");
        var mesh = Start(new KvStoreMeshOptions { LocalClusterName = "local", LocalClusterId = 1, PerClusterReadyTimeout = TimeSpan.FromMilliseconds(200) });

        Post(ClusterConfigChangeKind.Added, "http://a:2379");
        Post(ClusterConfigChangeKind.Added, "http://silent:2379", "remote2");
        _changes.Writer.TryWrite(ClusterConfigChange.InitialScanDone);

        // remote2 does not hold readiness back forever.
        await mesh.ReadyTask.WaitAsync(Patience);
        await Eventually.UntilAsync(() => mesh.Statuses[0].Ready, Patience, "remote1 ready");
        mesh.Statuses.Select(s => (s.Name, s.Ready)).Should().Equal(("remote1", true), ("remote2", false));
        mesh.Statuses[1].LastError.Should().Contain("no cluster config");
    }

    [Fact]
    public async Task RunAsync_UnusableConfig_RefusedWithReasonAndNothingCached()
    {
        var mesh = Start(new KvStoreMeshOptions { LocalClusterName = "local", LocalClusterId = 1 });

        _changes.Writer.TryWrite(new ClusterConfigChange(ClusterConfigChangeKind.Added, "remote1", Error: "/cfg/remote1: invalid YAML at line 1"));
        _changes.Writer.TryWrite(ClusterConfigChange.InitialScanDone);

        await Eventually.UntilAsync(() => mesh.Statuses.Count == 1 && mesh.Statuses[0].Failures == 1, Patience, "refused remote in status");
        mesh.Statuses[0].Should().Match<RemoteClusterStatus>(s => !s.Ready && !s.Owned && s.LastError!.Contains("invalid YAML"));
        (await _local.ListPrefixAsync("cilium/", CancellationToken.None)).Entries.Should().BeEmpty();
    }

    private KvStoreMesh.KvStoreMesh Start(KvStoreMeshOptions options)
    {
        var mesh = new KvStoreMesh.KvStoreMesh(
            _local,
            options,
            config => new RemoteConnection(KvStoreFactory.Create(_remotes[config.Client.Endpoints[0]])),
            ownership: null,
            TimeProvider.System,
            NullLoggerFactory.Instance);
        _run = mesh.RunAsync(_changes.Reader.ReadAllAsync(_stop.Token), _stop.Token);
        return mesh;
    }

    private void Post(ClusterConfigChangeKind kind, string? endpoint, string name = "remote1") =>
        _changes.Writer.TryWrite(new ClusterConfigChange(kind, name, endpoint is null ? null : new RemoteClusterConfig(name, new EtcdClientOptions { Endpoints = [endpoint] })));

    private async Task<List<string>> CachedIpsAsync()
    {
        var prefix = CiliumKeys.AsPrefix(CiliumKeys.CachePrefixFor(CiliumResource.Ips, "remote1"));
        return [.. (await _local.ListPrefixAsync(prefix, CancellationToken.None)).Entries.Select(e => e.Key[prefix.Length..])];
    }

    /// <summary>What a remote apiserver would have written: config, IP entries and every canary.</summary>
    private async Task SeedAsync(string endpoint, string cluster, uint id, params string[] ips)
    {
        await using var remote = KvStoreFactory.Create(_remotes[endpoint]);
        await remote.UpdateAsync(CiliumKeys.ClusterConfig(cluster), CiliumClusterConfigCodec.Encode(new CiliumClusterConfig(id, new ClusterCapabilities { SyncedCanaries = true })), withLease: false, CancellationToken.None);
        foreach (var ip in ips)
        {
            await remote.UpdateAsync(CiliumKeys.Ip(ip), Encoding.UTF8.GetBytes($$"""{"IP":"{{ip}}","ID":{{(id << 16) + 100}}}"""), withLease: false, CancellationToken.None);
        }
        foreach (var resource in Enum.GetValues<CiliumResource>())
        {
            await remote.UpdateAsync(CiliumKeys.SyncCanary(cluster, CiliumKeys.CanarySuffix(resource, cached: false)), KvTimestamp.Encode(DateTimeOffset.UnixEpoch), withLease: false, CancellationToken.None);
        }
    }
}
