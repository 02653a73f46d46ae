using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using static Mesh.KvStore.Etcd.Tests.Integration.EtcdTestClients;

namespace Mesh.KvStore.Etcd.Tests.Integration;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class EtcdWatchTests : IClassFixture<SharedEtcd>, IAsyncLifetime
{
    private readonly EtcdFixture _etcd;
    private IEtcdClient _client = null!;

    public EtcdWatchTests(SharedEtcd shared) => _etcd = shared.Etcd;

    public Task InitializeAsync()
    {
        _client = Create(_etcd);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [EtcdFact]
    public async Task WatchAsync_FromPastRevision_ReplaysHistoryThenDeliversLiveChanges()
    {
        var prefix = UniquePrefix("watch");
        var first = await _client.PutAsync(new EtcdPutRequest(prefix + "a", Bytes("1")));
        await _client.PutAsync(new EtcdPutRequest(prefix + "b", Bytes("2")));
        await _client.DeleteAsync(new EtcdDeleteRequest(prefix + "a"));

        await using var watch = new WatchReader(_client, EtcdWatchRequest.ForPrefix(prefix) with { StartRevision = first.Header.Revision });
        var history = await watch.EventsAsync(3);
        await _etcd.Ctl.PutAsync(prefix + "c", "3");
        var live = await watch.EventsAsync(1);

        history.Select(e => (e.Type, e.Kv.Key)).Should().Equal(
            (EtcdEventType.Put, prefix + "a"), (EtcdEventType.Put, prefix + "b"), (EtcdEventType.Delete, prefix + "a"));
        history[0].Kv.ModRevision.Should().Be(first.Header.Revision);
        live.Should().ContainSingle().Which.Kv.Key.Should().Be(prefix + "c");
        Text(live[0].Kv.Value).Should().Be("3");
    }

    [EtcdFact]
    public async Task WatchAsync_FromNow_FirstResponseIsCreatedThenOnlyNewEvents()
    {
        var prefix = UniquePrefix("now");
        await _client.PutAsync(new EtcdPutRequest(prefix + "before", Bytes("x")));

        await using var watch = new WatchReader(_client, EtcdWatchRequest.ForPrefix(prefix));
        var created = await watch.NextAsync();
        await _client.PutAsync(new EtcdPutRequest(prefix + "after", Bytes("y")));
        var events = await watch.EventsAsync(1);

        created.Created.Should().BeTrue();
        events.Should().ContainSingle().Which.Kv.Key.Should().Be(prefix + "after");
    }

    [EtcdFact]
    public async Task WatchAsync_PrevKv_EventsCarryPreviousValue()
    {
        var key = UniquePrefix("prevkv") + "k";
        await _client.PutAsync(new EtcdPutRequest(key, Bytes("old")));
        await using var watch = new WatchReader(_client, new EtcdWatchRequest(key) { PrevKv = true });
        (await watch.NextAsync()).Created.Should().BeTrue();

        await _client.PutAsync(new EtcdPutRequest(key, Bytes("new")));
        await _client.DeleteAsync(new EtcdDeleteRequest(key));
        var events = await watch.EventsAsync(2);

        events[0].Type.Should().Be(EtcdEventType.Put);
        Text(events[0].PrevKv!.Value).Should().Be("old");
        events[1].Type.Should().Be(EtcdEventType.Delete);
        Text(events[1].PrevKv!.Value).Should().Be("new");
    }

    [EtcdFact]
    public async Task WatchAsync_TwoWatchersOnDifferentPrefixes_EachSeesOnlyItsKeys()
    {
        var left = UniquePrefix("left");
        var right = UniquePrefix("right");
        await using var leftWatch = new WatchReader(_client, EtcdWatchRequest.ForPrefix(left));
        await using var rightWatch = new WatchReader(_client, EtcdWatchRequest.ForPrefix(right));
        (await leftWatch.NextAsync()).Created.Should().BeTrue();
        (await rightWatch.NextAsync()).Created.Should().BeTrue();

        await _client.PutAsync(new EtcdPutRequest(left + "1", Bytes("l")));
        await _client.PutAsync(new EtcdPutRequest(right + "1", Bytes("r")));

        (await leftWatch.EventsAsync(1)).Single().Kv.Key.Should().Be(left + "1");
        (await rightWatch.EventsAsync(1)).Single().Kv.Key.Should().Be(right + "1");
    }

    [EtcdFact]
    public async Task WatchAsync_CallerCancels_EnumerationEnds()
    {
        var watch = new WatchReader(_client, EtcdWatchRequest.ForPrefix(UniquePrefix("cancel")));
        (await watch.NextAsync()).Created.Should().BeTrue();

        await watch.StopAsync();

        var completion = async () => await watch.Completion.WaitAsync(Patience);
        await completion.Should().ThrowAsync<OperationCanceledException>();
        await watch.DisposeAsync();
    }

    [EtcdFact]
    public async Task WatchAsync_BreakOutOfLoop_LeavesClientUsable()
    {
        var prefix = UniquePrefix("break");
        var watched = 0;
        var task = Task.Run(async () =>
        {
            await foreach (var response in _client.WatchAsync(EtcdWatchRequest.ForPrefix(prefix)))
            {
                if (response.Events.Count > 0)
                {
                    watched += response.Events.Count;
                    break;
                }
                await _client.PutAsync(new EtcdPutRequest(prefix + "k", Bytes("v")));
            }
        });

        await task.WaitAsync(Patience);

        watched.Should().Be(1);
        (await _client.RangeAsync(new EtcdRangeRequest(prefix + "k"))).Count.Should().Be(1);
    }

    [EtcdFact]
    public async Task WatchAsync_StartRevisionCompacted_EndsWithCompactedResponse()
    {
        var key = UniquePrefix("compacted") + "k";
        var old = await _client.PutAsync(new EtcdPutRequest(key, Bytes("1")));
        var latest = await _client.PutAsync(new EtcdPutRequest(key, Bytes("2")));
        await _client.CompactAsync(latest.Header.Revision, physical: true);

        await using var watch = new WatchReader(_client, new EtcdWatchRequest(key) { StartRevision = old.Header.Revision });
        var last = await watch.NextEventsAsync();
        await watch.Completion.WaitAsync(Patience);

        last.IsCompacted.Should().BeTrue();
        last.CompactRevision.Should().Be(latest.Header.Revision);
        last.Events.Should().BeEmpty();
    }

    [EtcdFact]
    public async Task DisposeAsync_WhileWatching_EndsWatchAsCancelled()
    {
        var client = Create(_etcd);
        await using var watch = new WatchReader(client, EtcdWatchRequest.ForPrefix(UniquePrefix("dispose")));
        (await watch.NextAsync()).Created.Should().BeTrue();

        await client.DisposeAsync();

        var completion = async () => await watch.Completion.WaitAsync(Patience);
        await completion.Should().ThrowAsync<OperationCanceledException>();
    }
}
