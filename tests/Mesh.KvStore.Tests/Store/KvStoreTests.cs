using System.Text;
using Mesh.KvStore.Embedded;
using Mesh.KvStore.Store;
using Mesh.Testing;
using Mesh.Testing.Time;

namespace Mesh.KvStore.Tests.Store;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class KvStoreTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly FakeClock _clock = new();
    private readonly EmbeddedBackend _backend;
    private readonly IKvStore _store;

    public KvStoreTests()
    {
        _backend = new EmbeddedBackend(_clock);
        _store = KvStoreFactory.Create(_backend, new KvStoreOptions { LeaseTtl = TimeSpan.FromSeconds(30), MaxKeysPerLease = 3, ListPageSize = 2 }, _clock);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task UpdateAsync_MoreKeysThanLeaseHolds_GrantsAnotherLease()
    {
        for (var i = 0; i < 7; i++)
        {
            await _store.UpdateAsync($"k/{i}", Bytes("v"), withLease: true, CancellationToken.None);
        }
        // Rewriting a key keeps it on its lease rather than counting it again.
        await _store.UpdateAsync("k/0", Bytes("v2"), withLease: true, CancellationToken.None);

        var leases = (await _store.ListPrefixAsync("k/", CancellationToken.None)).Entries.GroupBy(e => e.Lease).Select(g => g.Count()).ToArray();
        var status = await _store.StatusAsync(CancellationToken.None);

        leases.Should().BeEquivalentTo([3, 3, 1]);
        status.Leases.Should().Be(3);
        status.LeasedKeys.Should().Be(7);
    }

    [Fact]
    public async Task ListPrefixAsync_ManyPages_ReturnsAllKeysAtOneRevision()
    {
        for (var i = 0; i < 5; i++)
        {
            await _store.UpdateAsync($"p/{i}", Bytes($"{i}"), withLease: false, CancellationToken.None);
        }
        await _store.UpdateAsync("q/0", Bytes("other"), withLease: false, CancellationToken.None);

        var list = await _store.ListPrefixAsync("p/", CancellationToken.None);

        list.Entries.Select(e => e.Key).Should().Equal("p/0", "p/1", "p/2", "p/3", "p/4");
        list.Revision.Should().Be(_backend.Revision);
    }

    [Fact]
    public async Task CreateOnlyAsync_ExistingKey_ReturnsFalseAndKeepsValue()
    {
        (await _store.CreateOnlyAsync("c/1", Bytes("first"), withLease: true, CancellationToken.None)).Should().BeTrue();
        (await _store.CreateOnlyAsync("c/1", Bytes("second"), withLease: true, CancellationToken.None)).Should().BeFalse();

        Text((await _store.GetAsync("c/1", CancellationToken.None))!.Value).Should().Be("first");
    }

    [Fact]
    public async Task DeletePrefixAsync_RemovesOnlyThatPrefix()
    {
        await _store.UpdateAsync("d/a/1", Bytes("1"), withLease: true, CancellationToken.None);
        await _store.UpdateAsync("d/a/2", Bytes("2"), withLease: true, CancellationToken.None);
        await _store.UpdateAsync("d/ab", Bytes("3"), withLease: true, CancellationToken.None);

        (await _store.DeletePrefixAsync("d/a/", CancellationToken.None)).Should().Be(2);
        (await _store.DeleteAsync("d/ab", CancellationToken.None)).Should().BeTrue();
        (await _store.DeleteAsync("d/ab", CancellationToken.None)).Should().BeFalse();
        (await _store.StatusAsync(CancellationToken.None)).LeasedKeys.Should().Be(0);
    }

    [Fact]
    public async Task KeepAlive_EveryThirdOfTtl_KeepsLeasedKeysAlive()
    {
        await _store.UpdateAsync("alive", Bytes("v"), withLease: true, CancellationToken.None);
        var lease = (await _store.GetAsync("alive", CancellationToken.None))!.Lease;

        for (var step = 0; step < 6; step++)
        {
            _clock.Advance(TimeSpan.FromSeconds(10));
            await Eventually.UntilAsync(async () => await _backend.LeaseTimeToLiveAsync(lease, CancellationToken.None) > TimeSpan.FromSeconds(25));
        }

        (await _store.GetAsync("alive", CancellationToken.None)).Should().NotBeNull("60 s passed on a 30 s lease");
    }

    [Fact]
    public async Task OnLeaseLost_LeaseRevokedBehindOurBack_ReportsItsKeysAndNextWriteGetsNewLease()
    {
        var lost = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = _store.OnLeaseLost(keys => lost.TrySetResult(keys));
        await _store.UpdateAsync("l/a", Bytes("1"), withLease: true, CancellationToken.None);
        await _store.UpdateAsync("l/b", Bytes("2"), withLease: true, CancellationToken.None);
        var lease = (await _store.GetAsync("l/a", CancellationToken.None))!.Lease;

        await _backend.LeaseRevokeAsync(lease, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(10));

        (await lost.Task.WaitAsync(Patience)).Should().Equal("l/a", "l/b");
        await _store.UpdateAsync("l/a", Bytes("1"), withLease: true, CancellationToken.None);
        (await _store.GetAsync("l/a", CancellationToken.None))!.Lease.Should().NotBe(lease);
    }

    [Fact]
    public async Task UpdateAsync_LeaseExpiredBeforeKeepAlive_ReportsLossAndWritesOnNewLease()
    {
        var lost = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = _store.OnLeaseLost(keys => lost.TrySetResult(keys));
        await _store.UpdateAsync("e/a", Bytes("1"), withLease: true, CancellationToken.None);
        var lease = (await _store.GetAsync("e/a", CancellationToken.None))!.Lease;
        await _backend.LeaseRevokeAsync(lease, CancellationToken.None);

        await _store.UpdateAsync("e/b", Bytes("2"), withLease: true, CancellationToken.None);

        (await lost.Task.WaitAsync(Patience)).Should().Contain("e/a");
        (await _store.GetAsync("e/b", CancellationToken.None))!.Lease.Should().NotBe(lease).And.NotBe(0);
    }

    [Fact]
    public async Task WatchAsync_ListsThenFollows_WithOneListDone()
    {
        await _store.UpdateAsync("w/a", Bytes("1"), withLease: false, CancellationToken.None);
        await _store.UpdateAsync("w/b", Bytes("2"), withLease: false, CancellationToken.None);
        await _store.UpdateAsync("w/c", Bytes("3"), withLease: false, CancellationToken.None);
        using var cancel = new CancellationTokenSource(Patience);
        await using var watch = _store.WatchAsync("w/", cancel.Token).GetAsyncEnumerator(cancel.Token);

        var events = await TakeAsync(watch, 4);
        await _store.UpdateAsync("w/a", Bytes("changed"), withLease: false, CancellationToken.None);
        await _store.DeleteAsync("w/b", CancellationToken.None);
        events.AddRange(await TakeAsync(watch, 2));

        events.Select(Describe).Should().Equal("Upsert w/a 1", "Upsert w/b 2", "Upsert w/c 3", "ListDone", "Upsert w/a changed", "Delete w/b");
    }

    [Fact]
    public async Task WatchAsync_CompactedWhileOffline_RelistsAndReportsVanishedKeys()
    {
        var store = KvStoreFactory.Create(_backend, new KvStoreOptions { InitialRetryDelay = TimeSpan.FromMilliseconds(5) }, TimeProvider.System);
        await using var _ = store;
        await store.UpdateAsync("m/keep", Bytes("1"), withLease: false, CancellationToken.None);
        await store.UpdateAsync("m/gone", Bytes("2"), withLease: false, CancellationToken.None);
        using var cancel = new CancellationTokenSource(Patience);
        await using var watch = store.WatchAsync("m/", cancel.Token).GetAsyncEnumerator(cancel.Token);
        (await TakeAsync(watch, 3)).Select(Describe).Should().Equal("Upsert m/gone 2", "Upsert m/keep 1", "ListDone");

        _backend.SetAvailable(false);
        var pending = watch.MoveNextAsync();
        _backend.SetAvailable(true);
        await _backend.DeleteRangeAsync("m/gone", null, false, CancellationToken.None);
        await _backend.PutAsync("m/new", Bytes("3"), 0, false, CancellationToken.None);
        await _backend.CompactAsync(_backend.Revision, CancellationToken.None);

        (await pending).Should().BeTrue();
        var events = new List<KvEvent> { watch.Current };
        events.AddRange(await TakeAsync(watch, 2));

        // After compaction the watch cannot resume: it relists (keep, new) and reports that "gone" vanished.
        events.Select(Describe).Should().Equal("Upsert m/keep 1", "Upsert m/new 3", "Delete m/gone");
    }

    [Fact]
    public async Task WatchAsync_OutageWithoutCompaction_ResumesWithoutLossOrDuplicates()
    {
        var store = KvStoreFactory.Create(_backend, new KvStoreOptions { InitialRetryDelay = TimeSpan.FromMilliseconds(5) }, TimeProvider.System);
        await using var _ = store;
        using var cancel = new CancellationTokenSource(Patience);
        await using var watch = store.WatchAsync("r/", cancel.Token).GetAsyncEnumerator(cancel.Token);
        (await TakeAsync(watch, 1)).Select(Describe).Should().Equal("ListDone");
        await _backend.PutAsync("r/1", Bytes("a"), 0, false, CancellationToken.None);
        (await TakeAsync(watch, 1)).Select(Describe).Should().Equal("Upsert r/1 a");

        _backend.SetAvailable(false);
        var pending = watch.MoveNextAsync();
        _backend.SetAvailable(true);
        await _backend.PutAsync("r/2", Bytes("b"), 0, false, CancellationToken.None);
        await _backend.DeleteRangeAsync("r/1", null, false, CancellationToken.None);

        (await pending).Should().BeTrue();
        var events = new List<KvEvent> { watch.Current };
        events.AddRange(await TakeAsync(watch, 1));
        events.Select(Describe).Should().Equal("Upsert r/2 b", "Delete r/1");
    }

    [Fact]
    public void Create_InvalidOptions_NamesEveryBadField()
    {
        var act = () => KvStoreFactory.Create(_backend, new KvStoreOptions { LeaseTtl = TimeSpan.Zero, MaxKeysPerLease = 0, ListPageSize = 0 });

        act.Should().Throw<ArgumentException>().Which.Message.Should()
            .Contain("LeaseTtl").And.Contain("MaxKeysPerLease").And.Contain("ListPageSize");
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    private static string Describe(KvEvent e) => e.Type == KvEventType.Upsert ? $"Upsert {e.Key} {Text(e.Value)}" : e.Type == KvEventType.Delete ? $"Delete {e.Key}" : "ListDone";

    private static async Task<List<KvEvent>> TakeAsync(IAsyncEnumerator<KvEvent> watch, int count)
    {
        var events = new List<KvEvent>();
        while (events.Count < count && await watch.MoveNextAsync())
        {
            events.Add(watch.Current);
        }
        return events;
    }
}
