using System.Text;
using Mesh.KvStore.Backend;
using Mesh.KvStore.Embedded;
using Mesh.KvStore.Store;
using Mesh.KvStore.Sync;
using Mesh.KvStore.Tests.Integration;
using Mesh.Testing;
using Mesh.Testing.Time;
using Microsoft.Extensions.Logging;

namespace Mesh.KvStore.Tests.Sync;

/// <summary>Guarded writes: a fence on an owner key's create revision keeps a writer that lost ownership out.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class SyncStoreGuardTests : IAsyncLifetime, IAsyncDisposable
{
    private const string Owner = "owners/r1";
    private readonly FakeClock _clock = new();
    private readonly EmbeddedBackend _backend;
    private readonly IKvStore _kv;

    public SyncStoreGuardTests()
    {
        _backend = new EmbeddedBackend(_clock);
        _kv = KvStoreFactory.Create(_backend, new KvStoreOptions { LeaseTtl = TimeSpan.FromSeconds(30) }, _clock);
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
        await _kv.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task WriteBatchIfAsync_GuardHoldsThenNot_WritesThenRefusesEverything()
    {
        var fence = await TakeOwnershipAsync();

        (await _kv.WriteBatchIfAsync([fence], [new KvWrite("c/a", Bytes("1")), new KvWrite("c/b", Bytes("2"))], withLease: true, CancellationToken.None)).Should().BeTrue();
        await TakeOwnershipAsync();
        (await _kv.WriteBatchIfAsync([fence], [new KvWrite("c/a", null), new KvWrite("c/c", Bytes("3"))], withLease: true, CancellationToken.None)).Should().BeFalse();

        (await _kv.ListPrefixAsync("c/", CancellationToken.None)).Entries.Select(e => e.Key).Should().Equal("c/a", "c/b");
    }

    [Fact]
    public async Task Upsert_AfterFenceLost_NeverWrittenAndReportedAsFailedWrite()
    {
        using var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var fence = await TakeOwnershipAsync();
        await using var sync = new SyncStore(_kv, new SyncStoreOptions { Prefix = "c", SourceCluster = "r1", Guards = [fence] }, _clock, loggers.CreateLogger<SyncStore>());
        using var stop = new CancellationTokenSource();
        var loop = sync.RunAsync(stop.Token);

        sync.Upsert("a", Bytes("1"));
        sync.MarkSynced();
        await sync.SyncedTask.WaitAsync(TimeSpan.FromSeconds(30));
        await TakeOwnershipAsync();
        sync.Upsert("b", Bytes("2"));
        sync.Delete("a");

        await Eventually.UntilAsync(() => logs.Text.Contains("a guard of c did not hold", StringComparison.Ordinal), what: "a refused write");
        (await _kv.ListPrefixAsync("c/", CancellationToken.None)).Entries.Select(e => e.Key).Should().Equal("c/a");
        await stop.CancelAsync();
        await loop;
    }

    /// <summary>(Re)creates the owner key, as a new owner would, and returns the fence on its create revision.</summary>
    private async Task<TxnCompare> TakeOwnershipAsync()
    {
        await _backend.DeleteRangeAsync(Owner, null, false, CancellationToken.None);
        var put = await _backend.PutAsync(Owner, Bytes("me"), 0, false, CancellationToken.None);
        return TxnCompare.CreateRevision(Owner, CompareResult.Equal, put.Revision);
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
