using System.Text;
using Mesh.KvStore.Backend;
using Mesh.Testing.Prerequisites;

namespace Mesh.KvStore.Tests.Conformance;

/// <summary>
/// etcd v3 behaviour every <see cref="IKvBackend"/> must show. Subclasses supply a fresh backend and a way to let
/// time pass (a fake clock for the embedded backend, real waiting for etcd).
/// </summary>
public abstract class KvBackendConformance : IAsyncLifetime
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);

    private IKvBackend? _backend;

    protected IKvBackend Backend => _backend ?? throw new InvalidOperationException("backend not created");

    protected static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync() => _backend = await CreateBackendAsync();

    public async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
        await DisposeBackendAsync();
    }

    protected abstract Task<IKvBackend> CreateBackendAsync();

    protected virtual Task DisposeBackendAsync() => Task.CompletedTask;

    /// <summary>Lets at least <paramref name="duration"/> pass for lease timers.</summary>
    protected abstract Task PassTimeAsync(TimeSpan duration);

    protected static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    [SkippableFact]
    public async Task Put_NewKey_ThenRangeReturnsItWithRevisions()
    {
        var put = await Backend.PutAsync("conf/a", Bytes("1"), 0, false, None);
        await Backend.PutAsync("conf/a", Bytes("2"), 0, false, None);

        var read = await Backend.RangeAsync(new RangeRequest("conf/a"), None);

        read.Kvs.Should().ContainSingle();
        var kv = read.Kvs[0];
        Text(kv.Value).Should().Be("2");
        kv.CreateRevision.Should().Be(put.Revision);
        kv.ModRevision.Should().Be(put.Revision + 1);
        kv.Version.Should().Be(2);
        read.Revision.Should().Be(put.Revision + 1);
    }

    [SkippableFact]
    public async Task Put_PrevKv_ReturnsPreviousValue()
    {
        (await Backend.PutAsync("conf/p", Bytes("old"), 0, true, None)).Previous.Should().BeNull();

        var second = await Backend.PutAsync("conf/p", Bytes("new"), 0, true, None);

        Text(second.Previous!.Value).Should().Be("old");
    }

    [SkippableFact]
    public async Task Range_Prefix_ReturnsOnlyKeysUnderPrefixInOrder()
    {
        foreach (var key in new[] { "cilium/state/nodes/v1/c1/b", "cilium/state/nodes/v1/c1/a", "cilium/state/nodes/v1/c10/x", "cilium/state/nodes/v1/c2/a" })
        {
            await Backend.PutAsync(key, Bytes(key), 0, false, None);
        }

        var read = await Backend.RangeAsync(RangeRequest.Prefix("cilium/state/nodes/v1/c1/"), None);

        read.Kvs.Select(k => k.Key).Should().Equal("cilium/state/nodes/v1/c1/a", "cilium/state/nodes/v1/c1/b");
        read.Count.Should().Be(2);
    }

    [SkippableFact]
    public async Task Range_Limit_PagesWithMoreAndCount()
    {
        for (var i = 0; i < 5; i++)
        {
            await Backend.PutAsync($"conf/page/{i}", Bytes("v"), 0, false, None);
        }

        var first = await Backend.RangeAsync(RangeRequest.Prefix("conf/page/") with { Limit = 2 }, None);
        var rest = await Backend.RangeAsync(new RangeRequest(first.Kvs[^1].Key + "\0") { RangeEnd = KeyRange.PrefixEnd("conf/page/"), Limit = 10 }, None);

        first.Kvs.Select(k => k.Key).Should().Equal("conf/page/0", "conf/page/1");
        first.More.Should().BeTrue();
        first.Count.Should().Be(5);
        rest.Kvs.Select(k => k.Key).Should().Equal("conf/page/2", "conf/page/3", "conf/page/4");
        rest.More.Should().BeFalse();
    }

    [SkippableFact]
    public async Task Range_AtPastRevision_SeesThatSnapshot()
    {
        var first = await Backend.PutAsync("conf/mvcc/a", Bytes("1"), 0, false, None);
        await Backend.PutAsync("conf/mvcc/a", Bytes("2"), 0, false, None);
        await Backend.PutAsync("conf/mvcc/b", Bytes("3"), 0, false, None);
        await Backend.DeleteRangeAsync("conf/mvcc/a", null, false, None);

        var past = await Backend.RangeAsync(RangeRequest.Prefix("conf/mvcc/") with { Revision = first.Revision }, None);
        var now = await Backend.RangeAsync(RangeRequest.Prefix("conf/mvcc/"), None);

        past.Kvs.Select(k => (k.Key, Text(k.Value))).Should().Equal(("conf/mvcc/a", "1"));
        now.Kvs.Select(k => (k.Key, Text(k.Value))).Should().Equal(("conf/mvcc/b", "3"));
    }

    [SkippableFact]
    public async Task Range_CountOnlyAndKeysOnly_OmitValues()
    {
        await Backend.PutAsync("conf/k/1", Bytes("value"), 0, false, None);
        await Backend.PutAsync("conf/k/2", Bytes("value"), 0, false, None);

        var count = await Backend.RangeAsync(RangeRequest.Prefix("conf/k/") with { CountOnly = true }, None);
        var keys = await Backend.RangeAsync(RangeRequest.Prefix("conf/k/") with { KeysOnly = true }, None);

        count.Count.Should().Be(2);
        count.Kvs.Should().BeEmpty();
        keys.Kvs.Should().HaveCount(2).And.OnlyContain(k => k.Value.Length == 0);
    }

    [SkippableFact]
    public async Task DeleteRange_Prefix_RemovesAllAndReportsPrevious()
    {
        await Backend.PutAsync("conf/d/1", Bytes("a"), 0, false, None);
        await Backend.PutAsync("conf/d/2", Bytes("b"), 0, false, None);
        await Backend.PutAsync("conf/e", Bytes("c"), 0, false, None);

        var deleted = await Backend.DeleteRangeAsync("conf/d/", KeyRange.PrefixEnd("conf/d/"), true, None);
        var missing = await Backend.DeleteRangeAsync("conf/none", null, false, None);

        deleted.Deleted.Should().Be(2);
        deleted.Previous.Select(p => Text(p.Value)).Should().BeEquivalentTo("a", "b");
        missing.Deleted.Should().Be(0);
        (await Backend.RangeAsync(RangeRequest.Prefix("conf/"), None)).Kvs.Select(k => k.Key).Should().Equal("conf/e");
    }

    [SkippableFact]
    public async Task Txn_CreateOnlyCompare_SucceedsOnceThenFails()
    {
        var create = new TxnRequest([TxnCompare.Missing("conf/t")], [new TxnOperation.Put("conf/t", Bytes("first"))], [new TxnOperation.Get(new RangeRequest("conf/t"))]);

        var first = await Backend.TxnAsync(create, None);
        var second = await Backend.TxnAsync(create with { Success = [new TxnOperation.Put("conf/t", Bytes("second"))] }, None);

        first.Succeeded.Should().BeTrue();
        second.Succeeded.Should().BeFalse();
        Text(second.Reads.Single().Kvs.Single().Value).Should().Be("first");
    }

    [SkippableFact]
    public async Task Txn_ModRevisionAndValueCompares_GuardWrites()
    {
        var put = await Backend.PutAsync("conf/cas", Bytes("v1"), 0, false, None);

        var stale = await Backend.TxnAsync(new TxnRequest(
            [TxnCompare.ModRevision("conf/cas", CompareResult.Equal, put.Revision - 1)], [new TxnOperation.Put("conf/cas", Bytes("lost"))], []), None);
        var fresh = await Backend.TxnAsync(new TxnRequest(
            [TxnCompare.ModRevision("conf/cas", CompareResult.Equal, put.Revision), TxnCompare.ValueIs("conf/cas", CompareResult.Equal, Bytes("v1")), TxnCompare.Version("conf/cas", CompareResult.Equal, 1)],
            [new TxnOperation.Put("conf/cas", Bytes("v2")), new TxnOperation.Delete("conf/other")], []), None);

        stale.Succeeded.Should().BeFalse();
        fresh.Succeeded.Should().BeTrue();
        fresh.Revision.Should().Be(put.Revision + 1);
        Text((await Backend.RangeAsync(new RangeRequest("conf/cas"), None)).Kvs[0].Value).Should().Be("v2");
    }

    [SkippableFact]
    public async Task Watch_FromPastRevision_ReplaysThenFollowsLive()
    {
        var first = await Backend.PutAsync("conf/w/a", Bytes("1"), 0, false, None);
        await Backend.PutAsync("conf/w/b", Bytes("2"), 0, false, None);
        await Backend.PutAsync("conf/x", Bytes("outside"), 0, false, None);
        using var cancel = new CancellationTokenSource(EventTimeout);
        await using var watch = Backend.WatchAsync(WatchRequest.Prefix("conf/w/") with { StartRevision = first.Revision, PrevKv = true }, cancel.Token)
            .GetAsyncEnumerator(cancel.Token);

        var seen = new List<(WatchEventType, string, string)>();
        async Task TakeAsync(int count)
        {
            while (seen.Count < count && await watch.MoveNextAsync())
            {
                seen.AddRange(watch.Current.Events.Select(e => (e.Type, e.Kv.Key, Text(e.Type == WatchEventType.Put ? e.Kv.Value : e.Previous!.Value))));
            }
        }
        await TakeAsync(2);
        await Backend.DeleteRangeAsync("conf/w/a", null, false, None);
        await TakeAsync(3);

        seen.Should().Equal(
            (WatchEventType.Put, "conf/w/a", "1"),
            (WatchEventType.Put, "conf/w/b", "2"),
            (WatchEventType.Delete, "conf/w/a", "1"));
    }

    [SkippableFact]
    public async Task Watch_CompactedStartRevision_FailsAsCompacted()
    {
        var first = await Backend.PutAsync("conf/c", Bytes("1"), 0, false, None);
        var second = await Backend.PutAsync("conf/c", Bytes("2"), 0, false, None);
        await Backend.PutAsync("conf/c", Bytes("3"), 0, false, None);
        await Backend.CompactAsync(second.Revision + 1, None);
        using var cancel = new CancellationTokenSource(EventTimeout);

        var watch = async () =>
        {
            await foreach (var _ in Backend.WatchAsync(new WatchRequest("conf/c") { StartRevision = first.Revision }, cancel.Token))
            {
            }
        };
        var read = () => Backend.RangeAsync(new RangeRequest("conf/c") { Revision = first.Revision }, None);

        (await watch.Should().ThrowAsync<KvCompactedException>()).Which.CompactRevision.Should().Be(second.Revision + 1);
        await read.Should().ThrowAsync<KvCompactedException>();
    }

    [SkippableFact]
    public async Task Lease_Expiry_DeletesBoundKeysAndWatchSeesIt()
    {
        var lease = await Backend.LeaseGrantAsync(TimeSpan.FromSeconds(2), None);
        await Backend.PutAsync("conf/l/a", Bytes("1"), lease.Id, false, None);
        var put = await Backend.PutAsync("conf/l/keep", Bytes("2"), 0, false, None);
        using var cancel = new CancellationTokenSource(EventTimeout + lease.Ttl * 3);
        await using var watch = Backend.WatchAsync(WatchRequest.Prefix("conf/l/") with { StartRevision = put.Revision + 1 }, cancel.Token).GetAsyncEnumerator(cancel.Token);
        var next = watch.MoveNextAsync();

        (await Backend.LeaseTimeToLiveAsync(lease.Id, None)).Should().BeGreaterThan(TimeSpan.Zero);
        await PassTimeAsync(lease.Ttl * 2 + TimeSpan.FromSeconds(1));

        (await next).Should().BeTrue();
        watch.Current.Events.Should().Contain(e => e.Type == WatchEventType.Delete && e.Kv.Key == "conf/l/a");
        (await Backend.LeaseTimeToLiveAsync(lease.Id, None)).Should().BeNull();
        (await Backend.LeaseKeepAliveAsync(lease.Id, None)).Should().BeNull();
        (await Backend.RangeAsync(RangeRequest.Prefix("conf/l/"), None)).Kvs.Select(k => k.Key).Should().Equal("conf/l/keep");
        var putOnDeadLease = () => Backend.PutAsync("conf/l/b", Bytes("x"), lease.Id, false, None);
        await putOnDeadLease.Should().ThrowAsync<KvLeaseNotFoundException>();
    }

    [SkippableFact]
    public async Task Lease_Revoke_DeletesKeysAtOnce()
    {
        var lease = await Backend.LeaseGrantAsync(TimeSpan.FromSeconds(30), None);
        await Backend.PutAsync("conf/r/a", Bytes("1"), lease.Id, false, None);
        await Backend.PutAsync("conf/r/b", Bytes("2"), lease.Id, false, None);

        await Backend.LeaseRevokeAsync(lease.Id, None);

        (await Backend.RangeAsync(RangeRequest.Prefix("conf/r/"), None)).Kvs.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Lease_KeepAlive_RenewsTtl()
    {
        var lease = await Backend.LeaseGrantAsync(TimeSpan.FromSeconds(30), None);

        var renewed = await Backend.LeaseKeepAliveAsync(lease.Id, None);

        renewed.Should().Be(lease.Ttl);
        (await Backend.LeaseTimeToLiveAsync(lease.Id, None)).Should().BeGreaterThan(TimeSpan.FromSeconds(25));
    }

    [SkippableFact]
    public async Task Status_AfterWrites_ReportsCurrentRevision()
    {
        var put = await Backend.PutAsync("conf/s", Bytes("1"), 0, false, None);

        var status = await Backend.StatusAsync(None);

        status.Revision.Should().Be(put.Revision);
        status.ClusterId.Should().NotBe(0UL);
        status.MemberId.Should().NotBe(0UL);
    }
}
