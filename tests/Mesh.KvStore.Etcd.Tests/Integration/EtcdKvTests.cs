using Mesh.Grpc;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using static Mesh.KvStore.Etcd.Tests.Integration.EtcdTestClients;

namespace Mesh.KvStore.Etcd.Tests.Integration;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class EtcdKvTests : IClassFixture<SharedEtcd>, IAsyncLifetime
{
    private readonly EtcdFixture _etcd;
    private IEtcdClient _client = null!;

    public EtcdKvTests(SharedEtcd shared) => _etcd = shared.Etcd;

    public Task InitializeAsync()
    {
        _client = Create(_etcd);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [EtcdFact]
    public async Task PutAsync_NewKey_IsVisibleToEtcdctlAndRange()
    {
        var key = UniquePrefix("put") + "a";

        var put = await _client.PutAsync(new EtcdPutRequest(key, Bytes("value-1")));

        (await _etcd.Ctl.GetAsync(key)).Should().Be("value-1");
        var range = await _client.RangeAsync(new EtcdRangeRequest(key));
        var kv = range.Kvs.Should().ContainSingle().Subject;
        kv.Key.Should().Be(key);
        Text(kv.Value).Should().Be("value-1");
        kv.CreateRevision.Should().Be(put.Header.Revision);
        kv.ModRevision.Should().Be(put.Header.Revision);
        kv.Version.Should().Be(1);
        range.Count.Should().Be(1);
        range.More.Should().BeFalse();
    }

    [EtcdFact]
    public async Task RangeAsync_KeyWrittenByEtcdctl_ReturnsItsValue()
    {
        var key = UniquePrefix("ctl") + "k";
        await _etcd.Ctl.PutAsync(key, "from-etcdctl");

        var range = await _client.RangeAsync(new EtcdRangeRequest(key));

        Text(range.Kvs.Should().ContainSingle().Subject.Value).Should().Be("from-etcdctl");
    }

    [EtcdFact]
    public async Task RangeAsync_MissingKey_ReturnsEmpty()
    {
        var range = await _client.RangeAsync(new EtcdRangeRequest(UniquePrefix("missing") + "none"));

        range.Kvs.Should().BeEmpty();
        range.Count.Should().Be(0);
        range.Header.Revision.Should().BePositive();
    }

    [EtcdFact]
    public async Task RangeAsync_PrefixPagedByLimit_ReturnsEveryKeyOnceAtOneRevision()
    {
        var prefix = UniquePrefix("page");
        for (var i = 0; i < 25; i++)
        {
            await _client.PutAsync(new EtcdPutRequest($"{prefix}{i:D2}", Bytes($"v{i}")));
        }
        await _client.PutAsync(new EtcdPutRequest(prefix[..^1] + "0-outside", Bytes("x")));

        var first = await _client.RangeAsync(new EtcdRangeRequest(prefix) { Prefix = true, Limit = 10 });
        var keys = first.Kvs.Select(kv => kv.Key).ToList();
        var more = first.More;
        var pages = 1;
        while (more)
        {
            var page = await _client.RangeAsync(new EtcdRangeRequest(keys[^1] + "\0")
            {
                RangeEnd = prefix[..^1] + "0",
                Limit = 10,
                Revision = first.Header.Revision,
            });
            keys.AddRange(page.Kvs.Select(kv => kv.Key));
            more = page.More;
            pages++;
        }

        first.Count.Should().Be(25);
        first.More.Should().BeTrue();
        pages.Should().Be(3);
        keys.Should().Equal(Enumerable.Range(0, 25).Select(i => $"{prefix}{i:D2}"));
    }

    [EtcdFact]
    public async Task RangeAsync_KeysOnlyAndCountOnly_OmitValuesOrKeys()
    {
        var prefix = UniquePrefix("only");
        await _client.PutAsync(new EtcdPutRequest(prefix + "a", Bytes("va")));
        await _client.PutAsync(new EtcdPutRequest(prefix + "b", Bytes("vb")));

        var keysOnly = await _client.RangeAsync(new EtcdRangeRequest(prefix) { Prefix = true, KeysOnly = true });
        var countOnly = await _client.RangeAsync(new EtcdRangeRequest(prefix) { Prefix = true, CountOnly = true });

        keysOnly.Kvs.Select(kv => kv.Key).Should().Equal(prefix + "a", prefix + "b");
        keysOnly.Kvs.Should().OnlyContain(kv => kv.Value.Length == 0);
        countOnly.Kvs.Should().BeEmpty();
        countOnly.Count.Should().Be(2);
    }

    [EtcdFact]
    public async Task RangeAsync_AtOlderRevision_ReturnsValueOfThatTime()
    {
        var key = UniquePrefix("rev") + "k";
        var old = await _client.PutAsync(new EtcdPutRequest(key, Bytes("old")));
        await _client.PutAsync(new EtcdPutRequest(key, Bytes("new")));

        var range = await _client.RangeAsync(new EtcdRangeRequest(key) { Revision = old.Header.Revision });

        Text(range.Kvs.Single().Value).Should().Be("old");
    }

    [EtcdFact]
    public async Task PutAsync_PrevKv_ReturnsPreviousValue()
    {
        var key = UniquePrefix("prev") + "k";
        await _client.PutAsync(new EtcdPutRequest(key, Bytes("one")));

        var put = await _client.PutAsync(new EtcdPutRequest(key, Bytes("two")) { PrevKv = true });

        Text(put.PrevKv!.Value).Should().Be("one");
        (await _etcd.Ctl.GetAsync(key)).Should().Be("two");
    }

    [EtcdFact]
    public async Task DeleteAsync_Prefix_DeletesOnlyThatPrefixAndReturnsPrevKvs()
    {
        var prefix = UniquePrefix("del");
        await _client.PutAsync(new EtcdPutRequest(prefix + "a", Bytes("1")));
        await _client.PutAsync(new EtcdPutRequest(prefix + "b", Bytes("2")));
        var sibling = prefix[..^1] + "x";
        await _client.PutAsync(new EtcdPutRequest(sibling, Bytes("keep")));

        var deleted = await _client.DeleteAsync(new EtcdDeleteRequest(prefix) { Prefix = true, PrevKv = true });

        deleted.Deleted.Should().Be(2);
        deleted.PrevKvs.Select(kv => (kv.Key, Text(kv.Value))).Should().BeEquivalentTo([(prefix + "a", "1"), (prefix + "b", "2")]);
        (await _etcd.Ctl.GetPrefixAsync(prefix)).Should().BeEmpty();
        (await _etcd.Ctl.GetAsync(sibling)).Should().Be("keep");
    }

    [EtcdFact]
    public async Task DeleteAsync_SingleKey_LeavesOthers()
    {
        var prefix = UniquePrefix("del1");
        await _client.PutAsync(new EtcdPutRequest(prefix + "a", Bytes("1")));
        await _client.PutAsync(new EtcdPutRequest(prefix + "ab", Bytes("2")));

        var deleted = await _client.DeleteAsync(new EtcdDeleteRequest(prefix + "a"));

        deleted.Deleted.Should().Be(1);
        (await _etcd.Ctl.GetPrefixAsync(prefix)).Select(p => p.Key).Should().Equal(prefix + "ab");
    }

    [EtcdFact]
    public async Task TxnAsync_ModRevisionMatches_RunsSuccessBranch()
    {
        var key = UniquePrefix("txn") + "k";
        var put = await _client.PutAsync(new EtcdPutRequest(key, Bytes("v1")));

        var txn = await _client.TxnAsync(new EtcdTxnRequest(
            [EtcdCompare.ModRevision(key, EtcdCompareResult.Equal, put.Header.Revision), EtcdCompare.Version(key, EtcdCompareResult.Equal, 1)],
            [EtcdTxnOperation.Set(new EtcdPutRequest(key, Bytes("v2")))],
            []));

        txn.Succeeded.Should().BeTrue();
        txn.Responses.Should().ContainSingle().Which.Put.Should().NotBeNull();
        (await _etcd.Ctl.GetAsync(key)).Should().Be("v2");
    }

    [EtcdFact]
    public async Task TxnAsync_WithoutResults_WritesAndReportsOutcomeAndRevisionOnly()
    {
        var prefix = UniquePrefix("txnbulk");
        var lease = await _client.LeaseGrantAsync(TimeSpan.FromMinutes(1));
        var puts = Enumerable.Range(0, 127)
            .Select(i => EtcdTxnOperation.Set(new EtcdPutRequest($"{prefix}{i:D3}", Bytes($"value-{i}")) { Lease = lease.Id }))
            .Append(EtcdTxnOperation.Remove(new EtcdDeleteRequest($"{prefix}absent")))
            .ToList();

        var written = await _client.TxnAsync(new EtcdTxnRequest([], puts, []) { WithoutResults = true });
        var refused = await _client.TxnAsync(new EtcdTxnRequest([EtcdCompare.Missing($"{prefix}000")], [EtcdTxnOperation.Set(new EtcdPutRequest($"{prefix}000", Bytes("lost")))], []) { WithoutResults = true });

        written.Succeeded.Should().BeTrue();
        written.Responses.Should().BeEmpty();
        written.Header.Revision.Should().BeGreaterThan(0);
        refused.Succeeded.Should().BeFalse();
        refused.Header.Revision.Should().Be(written.Header.Revision, "the refused transaction wrote nothing");
        var stored = await _client.RangeAsync(new EtcdRangeRequest(prefix) { Prefix = true });
        stored.Kvs.Should().HaveCount(127, "127 puts and a delete: etcd's 128 operations per transaction");
        stored.Kvs.Should().OnlyContain(kv => kv.Lease == lease.Id && kv.ModRevision == written.Header.Revision);
        Text(stored.Kvs[7].Value).Should().Be("value-7");
    }

    [EtcdFact]
    public async Task TxnAsync_StaleModRevision_RunsFailureBranchAndLeavesValue()
    {
        var key = UniquePrefix("txnfail") + "k";
        var first = await _client.PutAsync(new EtcdPutRequest(key, Bytes("v1")));
        await _client.PutAsync(new EtcdPutRequest(key, Bytes("v2")));

        var txn = await _client.TxnAsync(new EtcdTxnRequest(
            [EtcdCompare.ModRevision(key, EtcdCompareResult.Equal, first.Header.Revision)],
            [EtcdTxnOperation.Set(new EtcdPutRequest(key, Bytes("lost-update")))],
            [EtcdTxnOperation.Get(new EtcdRangeRequest(key))]));

        txn.Succeeded.Should().BeFalse();
        Text(txn.Responses.Single().Range!.Kvs.Single().Value).Should().Be("v2");
        (await _etcd.Ctl.GetAsync(key)).Should().Be("v2");
    }

    [EtcdFact]
    public async Task TxnAsync_CreateOnlyOnExistingKey_Fails()
    {
        var key = UniquePrefix("create") + "k";
        var create = new EtcdTxnRequest([EtcdCompare.Missing(key)], [EtcdTxnOperation.Set(new EtcdPutRequest(key, Bytes("first")))], []);

        var firstTry = await _client.TxnAsync(create);
        var secondTry = await _client.TxnAsync(create with { Success = [EtcdTxnOperation.Set(new EtcdPutRequest(key, Bytes("second")))] });

        firstTry.Succeeded.Should().BeTrue();
        secondTry.Succeeded.Should().BeFalse();
        (await _etcd.Ctl.GetAsync(key)).Should().Be("first");
    }

    [EtcdFact]
    public async Task TxnAsync_ValueCompare_MatchesOnlyEqualBytes()
    {
        var key = UniquePrefix("txnval") + "k";
        await _client.PutAsync(new EtcdPutRequest(key, Bytes("expected")));

        var wrong = await _client.TxnAsync(new EtcdTxnRequest(
            [EtcdCompare.ValueIs(key, EtcdCompareResult.Equal, Bytes("other"))], [EtcdTxnOperation.Remove(new EtcdDeleteRequest(key))], []));
        var right = await _client.TxnAsync(new EtcdTxnRequest(
            [EtcdCompare.ValueIs(key, EtcdCompareResult.Equal, Bytes("expected")), EtcdCompare.CreateRevision(key, EtcdCompareResult.Greater, 0)],
            [EtcdTxnOperation.Remove(new EtcdDeleteRequest(key))], []));

        wrong.Succeeded.Should().BeFalse();
        right.Succeeded.Should().BeTrue();
        right.Responses.Single().Delete!.Deleted.Should().Be(1);
        (await _etcd.Ctl.GetAsync(key)).Should().BeNull();
    }

    [EtcdFact]
    public async Task CompactAsync_ThenRangeAtCompactedRevision_FailsAsCompacted()
    {
        var key = UniquePrefix("compact") + "k";
        var old = await _client.PutAsync(new EtcdPutRequest(key, Bytes("a")));
        var latest = await _client.PutAsync(new EtcdPutRequest(key, Bytes("b")));

        await _client.CompactAsync(latest.Header.Revision, physical: true);
        var act = () => _client.RangeAsync(new EtcdRangeRequest(key) { Revision = old.Header.Revision });

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        EtcdErrors.IsCompacted(error).Should().BeTrue(error.Message);
        Text((await _client.RangeAsync(new EtcdRangeRequest(key))).Kvs.Single().Value).Should().Be("b");
    }

    [EtcdFact]
    public async Task StatusAsync_RunningMember_ReportsIdsRevisionAndDbSize()
    {
        var put = await _client.PutAsync(new EtcdPutRequest(UniquePrefix("status") + "k", Bytes("v")));

        var status = await _client.StatusAsync();

        status.ClusterId.Should().NotBe(0UL);
        status.MemberId.Should().NotBe(0UL);
        status.Leader.Should().Be(status.MemberId);
        status.Revision.Should().BeGreaterThanOrEqualTo(put.Header.Revision);
        status.DbSize.Should().BePositive();
        status.Version.Should().StartWith("3.");
        put.Header.ClusterId.Should().Be(status.ClusterId);
    }
}
