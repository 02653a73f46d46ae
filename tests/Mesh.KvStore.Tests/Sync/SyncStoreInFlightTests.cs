using System.Collections.Concurrent;
using System.Text;
using Mesh.KvStore.Backend;
using Mesh.KvStore.Store;
using Mesh.KvStore.Sync;
using Mesh.Testing;
using Mesh.Testing.Time;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.KvStore.Tests.Sync;

/// <summary>What a key asked for again, deleted or lost while its write is still on the way: a store whose writes the test completes one by one.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class SyncStoreInFlightTests : IAsyncDisposable
{
    private const string Canary = "cilium/synced/c1/p";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly FakeClock _clock = new();
    private readonly GatedKv _kv = new();
    private readonly SyncStore _sync;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SyncStoreInFlightTests()
    {
        _sync = new SyncStore(_kv, new SyncStoreOptions { Prefix = "p", SourceCluster = "c1", CanaryKey = Canary, Workers = 1 }, _clock, NullLogger<SyncStore>.Instance);
        _loop = _sync.RunAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _kv.ReleaseAll();
        await _loop;
        await _sync.DisposeAsync();
        _stop.Dispose();
    }

    [Fact]
    public async Task Upsert_WhileItsWriteIsInFlight_WrittenAgainWithTheLatestValueBeforeTheCanary()
    {
        _sync.Upsert("k", Bytes("a"));
        (await _kv.NextBatchAsync()).Should().Equal("p/k=a");

        // Taken in in this order while k=a is on the way (the write's completion may overtake them, never reorder them).
        _sync.Upsert("k", Bytes("b"));
        _sync.Upsert("k", Bytes("c"));
        _sync.MarkSynced();
        _kv.Complete();
        (await _kv.NextBatchAsync()).Should().Equal("p/k=c");
        _sync.IsSynced.Should().BeFalse("the canary waits for the key's latest value");

        _kv.Complete();
        (await _kv.NextBatchAsync()).Should().ContainSingle().Which.Should().StartWith(Canary + "=");
        _kv.Complete();
        await _sync.SyncedTask.WaitAsync(Patience);
        _sync.QueueSize.Should().Be(0);
    }

    [Fact]
    public async Task Delete_WhileItsWriteIsInFlight_DeletedAfterItAndWrittenAgainWhenAskedFor()
    {
        _sync.Upsert("k", Bytes("a"));
        (await _kv.NextBatchAsync()).Should().Equal("p/k=a");

        _sync.Delete("k");
        _sync.Delete("never-written");
        _kv.Complete();
        (await _kv.NextBatchAsync()).Should().Equal("p/k deleted");
        _kv.Complete();
        await Eventually.UntilAsync(() => Task.FromResult(_sync.QueueSize == 0));

        _sync.Upsert("k", Bytes("a"));
        (await _kv.NextBatchAsync()).Should().Equal(["p/k=a"], "a deleted key is not remembered as written");
        _kv.Complete();
    }

    [Fact]
    public async Task FailedWrite_AwaitedKeyRetriedAndWrittenBeforeTheCanary()
    {
        _sync.Upsert("k", Bytes("a"));
        _sync.MarkSynced();
        (await _kv.NextBatchAsync()).Should().Equal("p/k=a");

        _kv.Fail();
        await Eventually.UntilAsync(() =>
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            return Task.FromResult(_kv.Pending > 0);
        });
        (await _kv.NextBatchAsync()).Should().Equal("p/k=a");
        _sync.IsSynced.Should().BeFalse("the canary waits for the retried key");

        _kv.Complete();
        (await _kv.NextBatchAsync()).Should().ContainSingle().Which.Should().StartWith(Canary + "=");
        _kv.Complete();
        await _sync.SyncedTask.WaitAsync(Patience);
    }

    [Fact]
    public async Task LeaseLost_KnownKeysAndTheCanaryWrittenAgainNotOthers()
    {
        _sync.Upsert("k", Bytes("a"));
        _sync.MarkSynced();
        (await _kv.NextBatchAsync()).Should().Equal("p/k=a");
        _kv.Complete();
        (await _kv.NextBatchAsync()).Should().ContainSingle().Which.Should().StartWith(Canary + "=");
        _kv.Complete();
        await _sync.SyncedTask.WaitAsync(Patience);

        _kv.LoseLease(["p/k", "p/unknown", Canary]);

        (await _kv.NextBatchAsync()).Should().HaveCount(2).And.Contain("p/k=a").And.Contain(w => w.StartsWith(Canary + "=", StringComparison.Ordinal));
        _kv.Complete();
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A store whose batch writes wait until the test completes or fails them, in order.</summary>
    private sealed class GatedKv : IKvStore
    {
        private readonly ConcurrentQueue<(List<string> Writes, TaskCompletionSource Done)> _batches = new();
        private readonly SemaphoreSlim _arrived = new(0);
        private readonly List<Action<IReadOnlyList<string>>> _leaseLost = [];
        private TaskCompletionSource? _current;

        public int Pending => _batches.Count;

        public async Task<List<string>> NextBatchAsync()
        {
            (await _arrived.WaitAsync(Patience)).Should().BeTrue("a batch was expected");
            _batches.TryDequeue(out var batch).Should().BeTrue();
            _current = batch.Done;
            return batch.Writes;
        }

        public void Complete() => _current!.TrySetResult();

        public void Fail() => _current!.TrySetException(new KvUnavailableException("store unreachable"));

        public void ReleaseAll()
        {
            _current?.TrySetCanceled();
            while (_batches.TryDequeue(out var batch))
            {
                batch.Done.TrySetCanceled();
            }
        }

        public void LoseLease(IReadOnlyList<string> keys)
        {
            foreach (var handler in _leaseLost)
            {
                handler(keys);
            }
        }

        public Task WriteBatchAsync(IReadOnlyList<KvWrite> writes, bool withLease, CancellationToken cancellationToken)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _batches.Enqueue(([.. writes.Select(w => w.Value is { } v ? $"{w.Key}={Encoding.UTF8.GetString(v.Span)}" : $"{w.Key} deleted")], done));
            _arrived.Release();
            return done.Task;
        }

        public IDisposable OnLeaseLost(Action<IReadOnlyList<string>> handler)
        {
            _leaseLost.Add(handler);
            return new Registration(() => _leaseLost.Remove(handler));
        }

        public Task<KvEntry?> GetAsync(string key, CancellationToken cancellationToken) => throw Unused();

        public Task<KvList> ListPrefixAsync(string prefix, CancellationToken cancellationToken) => throw Unused();

        public Task UpdateAsync(string key, ReadOnlyMemory<byte> value, bool withLease, CancellationToken cancellationToken) => throw Unused();

        public Task<bool> WriteBatchIfAsync(IReadOnlyList<TxnCompare> guards, IReadOnlyList<KvWrite> writes, bool withLease, CancellationToken cancellationToken) => throw Unused();

        public Task<bool> CreateOnlyAsync(string key, ReadOnlyMemory<byte> value, bool withLease, CancellationToken cancellationToken) => throw Unused();

        public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => throw Unused();

        public Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken) => throw Unused();

        public IAsyncEnumerable<KvEvent> WatchAsync(string prefix, CancellationToken cancellationToken) => throw Unused();

        public Task<KvStoreStatus> StatusAsync(CancellationToken cancellationToken) => throw Unused();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        /// <summary>A SyncStore only writes batches and listens for lost leases: any other call is a test failure.</summary>
        private static NotSupportedException Unused() => new("a SyncStore only writes batches and listens for lost leases");

        private sealed class Registration(Action dispose) : IDisposable
        {
            public void Dispose() => dispose();
        }
    }
}
