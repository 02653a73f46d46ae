using System.Text;
using Mesh.KvStore.Backend;
using Mesh.KvStore.Embedded;
using Mesh.KvStore.Store;
using Mesh.KvStore.Sync;
using Mesh.Testing;
using Mesh.Testing.Time;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.KvStore.Tests.Sync;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class WatchStoreTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly EmbeddedBackend _backend = new(new FakeClock());
    private readonly List<string> _changes = [];

    public ValueTask DisposeAsync() => _backend.DisposeAsync();

    [Fact]
    public async Task WatchAsync_ListThenLive_TypedEntriesAndChangesInOrder()
    {
        await PutAsync("s/a", "1");
        var store = NewStore();
        await using var kv = KvStoreFactory.Create(_backend);
        using var stop = new CancellationTokenSource();
        var watching = store.WatchAsync(kv, stop.Token);

        await store.Synced.WaitAsync(Patience);
        await PutAsync("s/b", "2");
        await _backend.DeleteRangeAsync("s/a", null, false, CancellationToken.None);
        await Eventually.UntilAsync(() => store.Entries.Count == 1 && store.Entries.ContainsKey("b"));

        Changes().Should().Equal("Upsert a=1", "Synced", "Upsert b=2", "Delete a=1");
        await stop.CancelAsync();
        await watching.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task WatchAsync_MalformedValue_SkippedCountedAndOldValueKept()
    {
        await PutAsync("s/a", "1");
        var store = NewStore();
        await using var kv = KvStoreFactory.Create(_backend);
        using var stop = new CancellationTokenSource();
        var watching = store.WatchAsync(kv, stop.Token);
        await store.Synced.WaitAsync(Patience);

        await PutAsync("s/a", "not-a-number");
        await PutAsync("s/b", "2");
        await Eventually.UntilAsync(() => store.Entries.ContainsKey("b"));

        store.Rejected.Should().Be(1);
        store.Entries["a"].Should().Be("1");
        await stop.CancelAsync();
        await watching.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task WatchAsync_NewConnectionAfterDisconnect_SweepsKeysDeletedMeanwhile()
    {
        await PutAsync("s/keep", "1");
        await PutAsync("s/gone", "2");
        var store = NewStore();
        await using (var first = KvStoreFactory.Create(_backend))
        {
            using var stop = new CancellationTokenSource();
            var watching = store.WatchAsync(first, stop.Token);
            await store.Synced.WaitAsync(Patience);
            await stop.CancelAsync();
            await watching.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        // While disconnected: one key deleted, one added.
        await _backend.DeleteRangeAsync("s/gone", null, false, CancellationToken.None);
        await PutAsync("s/new", "3");
        _changes.Clear();
        await using var second = KvStoreFactory.Create(_backend);
        using var stopSecond = new CancellationTokenSource();
        var again = store.WatchAsync(second, stopSecond.Token);

        await Eventually.UntilAsync(() => _changes.Contains("Synced"));
        store.Entries.Keys.Should().Equal("keep", "new");
        Changes().Should().Equal("Upsert keep=1", "Upsert new=3", "Delete gone=2", "Synced");
        await stopSecond.CancelAsync();
        await again.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task WatchAsync_PrefixWithoutSlash_DoesNotMatchLongerNames()
    {
        await PutAsync("c1/x", "1");
        await PutAsync("c10/y", "2");
        var store = new WatchStore<string>("c1", (_, v) => WatchStoreDecode<string>.Accept(Encoding.UTF8.GetString(v.Span)), null, NullLogger.Instance);
        await using var kv = KvStoreFactory.Create(_backend);
        using var stop = new CancellationTokenSource();
        var watching = store.WatchAsync(kv, stop.Token);

        await store.Synced.WaitAsync(Patience);

        store.Entries.Keys.Should().Equal("x");
        await stop.CancelAsync();
        await watching.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public void Drain_ReportsEveryEntryDeleted()
    {
        var store = NewStore();

        store.Drain();

        store.Entries.Should().BeEmpty();
    }

    private WatchStore<string> NewStore() => new(
        "s",
        (_, value) => int.TryParse(Encoding.UTF8.GetString(value.Span), out int _)
            ? WatchStoreDecode<string>.Accept(Encoding.UTF8.GetString(value.Span))
            : WatchStoreDecode<string>.Reject("not a number"),
        change =>
        {
            lock (_changes)
            {
                _changes.Add(change.Kind == WatchStoreChangeKind.Synced ? "Synced" : $"{change.Kind} {change.Name}={change.Value}");
            }
        },
        NullLogger.Instance);

    private string[] Changes()
    {
        lock (_changes)
        {
            return [.. _changes];
        }
    }

    private Task<PutResult> PutAsync(string key, string value) => _backend.PutAsync(key, Encoding.UTF8.GetBytes(value), 0, false, CancellationToken.None);
}
