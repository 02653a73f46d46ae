using System.Text;
using Mesh.KvStore.Embedded;
using Mesh.KvStore.Store;
using Mesh.KvStore.Sync;
using Mesh.Testing;
using Mesh.Testing.Time;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.KvStore.Tests.Sync;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class SyncStoreTests : IAsyncDisposable
{
    private const string Canary = "cilium/synced/c1/cilium/state/nodes/v1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly FakeClock _clock = new();
    private readonly EmbeddedBackend _backend;
    private readonly IKvStore _kv;
    private readonly SyncStore _sync;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SyncStoreTests()
    {
        _backend = new EmbeddedBackend(_clock);
        _kv = KvStoreFactory.Create(_backend, new KvStoreOptions { LeaseTtl = TimeSpan.FromSeconds(30) }, _clock);
        _sync = new SyncStore(_kv, new SyncStoreOptions { Prefix = "cilium/state/nodes/v1", SourceCluster = "c1", CanaryKey = Canary, Scope = "nodes" }, _clock, NullLogger<SyncStore>.Instance);
        _loop = _sync.RunAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await _sync.DisposeAsync();
        await _kv.DisposeAsync();
        await _backend.DisposeAsync();
        _stop.Dispose();
    }

    [Fact]
    public async Task MarkSynced_AfterUpserts_WritesKeysThenCanaryWithLease()
    {
        _sync.Upsert("c1/n1", Bytes("a"));
        _sync.Upsert("c1/n2", Bytes("b"));
        _sync.MarkSynced();

        await _sync.SyncedTask.WaitAsync(Patience);

        var all = await _kv.ListPrefixAsync("cilium/", CancellationToken.None);
        all.Entries.Select(e => e.Key).Should().Equal("cilium/state/nodes/v1/c1/n1", "cilium/state/nodes/v1/c1/n2", Canary);
        all.Entries.Should().OnlyContain(e => e.Lease != 0);
        var canary = all.Entries.Single(e => e.Key == Canary);
        canary.ModRevision.Should().BeGreaterThan(all.Entries.Where(e => e.Key != Canary).Max(e => e.ModRevision), "the canary comes last");
        Text(canary.Value).Should().Be("2026-01-01T00:00:00Z");
    }

    [Fact]
    public async Task Upsert_SameValueAgain_IsNotRewritten()
    {
        _sync.Upsert("c1/n1", Bytes("a"));
        _sync.MarkSynced();
        await _sync.SyncedTask.WaitAsync(Patience);
        var revision = _backend.Revision;

        _sync.Upsert("c1/n1", Bytes("a"));
        _sync.Upsert("c1/n2", Bytes("b"));
        await Eventually.UntilAsync(async () => await _kv.GetAsync("cilium/state/nodes/v1/c1/n2", CancellationToken.None) is not null);

        _backend.Revision.Should().Be(revision + 1, "only n2 was written");
    }

    [Fact]
    public async Task Delete_KnownAndUnknownKeys_OnlyKnownRemoved()
    {
        await _backend.PutAsync("cilium/state/nodes/v1/c1/foreign", Bytes("x"), 0, false, CancellationToken.None);
        _sync.Upsert("c1/n1", Bytes("a"));
        _sync.MarkSynced();
        await _sync.SyncedTask.WaitAsync(Patience);

        _sync.Delete("c1/n1");
        _sync.Delete("c1/foreign");
        await Eventually.UntilAsync(async () => await _kv.GetAsync("cilium/state/nodes/v1/c1/n1", CancellationToken.None) is null);

        (await _kv.GetAsync("cilium/state/nodes/v1/c1/foreign", CancellationToken.None)).Should().NotBeNull("this store never wrote it");
    }

    [Fact]
    public async Task Upsert_WhileStoreUnavailable_RetriesWithBackoffAndCountsErrors()
    {
        using var metrics = new SyncStoreMetrics();
        using var listener = new MetricCollector(SyncStoreMetrics.MeterName);
        await using var sync = new SyncStore(_kv, new SyncStoreOptions { Prefix = "p", SourceCluster = "c1", Scope = "test" }, _clock, NullLogger<SyncStore>.Instance, metrics);
        using var stop = new CancellationTokenSource();
        var loop = sync.RunAsync(stop.Token);

        _backend.SetAvailable(false);
        sync.Upsert("k", Bytes("v"));
        await Eventually.UntilAsync(() => Task.FromResult(listener.Sum("kvstore_sync_errors_total") >= 1));
        _backend.SetAvailable(true);
        sync.MarkSynced();

        // Let the backoff timers run until the retry succeeds.
        await Eventually.UntilAsync(() =>
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            return Task.FromResult(sync.IsSynced);
        });
        (await _kv.GetAsync("p/k", CancellationToken.None)).Should().NotBeNull();
        sync.QueueSize.Should().Be(0);
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task LeaseLost_KeysAndCanaryWrittenAgain()
    {
        _sync.Upsert("c1/n1", Bytes("a"));
        _sync.MarkSynced();
        await _sync.SyncedTask.WaitAsync(Patience);
        var lease = (await _kv.GetAsync("cilium/state/nodes/v1/c1/n1", CancellationToken.None))!.Lease;

        await _backend.LeaseRevokeAsync(lease, CancellationToken.None);
        (await _kv.ListPrefixAsync("cilium/", CancellationToken.None)).Entries.Should().BeEmpty();
        _clock.Advance(TimeSpan.FromSeconds(10));

        await Eventually.UntilAsync(async () => (await _kv.ListPrefixAsync("cilium/", CancellationToken.None)).Entries.Count == 2);
        (await _kv.GetAsync("cilium/state/nodes/v1/c1/n1", CancellationToken.None))!.Lease.Should().NotBe(lease);
    }

    [Fact]
    public async Task LeaseExpiredDuringOutage_KeysWrittenAgainWhenStoreReturns()
    {
        _sync.Upsert("c1/n1", Bytes("a"));
        _sync.MarkSynced();
        await _sync.SyncedTask.WaitAsync(Patience);

        // Keep-alives fail while the store is unreachable, so the 30 s lease really expires.
        _backend.SetAvailable(false);
        for (var step = 0; step < 4; step++)
        {
            _clock.Advance(TimeSpan.FromSeconds(10));
            await Task.Yield();
        }
        _backend.SetAvailable(true);
        (await _backend.RangeAsync(Backend.RangeRequest.Prefix("cilium/"), CancellationToken.None)).Kvs.Should().BeEmpty("the lease expired");

        await Eventually.UntilAsync(async () =>
        {
            _clock.Advance(TimeSpan.FromSeconds(10));
            return (await _kv.ListPrefixAsync("cilium/", CancellationToken.None)).Entries.Count == 2;
        });
        (await _kv.StatusAsync(CancellationToken.None)).Connected.Should().BeTrue();
    }

    [Fact]
    public async Task Status_StoreUnreachable_ReportsErrorWithoutThrowing()
    {
        _backend.SetAvailable(false);

        var write = () => _kv.UpdateAsync("x", Bytes("1"), withLease: false, CancellationToken.None);
        await write.Should().ThrowAsync<Backend.KvUnavailableException>();
        var status = await _kv.StatusAsync(CancellationToken.None);

        status.Connected.Should().BeFalse();
        status.LastError.Should().Contain("unavailable");
        status.ConsecutiveErrors.Should().BeGreaterThan(0);
        status.LastErrorAt.Should().Be(_clock.GetUtcNow());
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
