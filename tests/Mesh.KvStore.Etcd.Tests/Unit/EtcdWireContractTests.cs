using Google.Protobuf;
using Mesh.KvStore.Etcd.Protocol;
using Mesh.Testing;

namespace Mesh.KvStore.Etcd.Tests.Unit;

/// <summary>Field numbers and types of etcd's public API, checked against hand-encoded protobuf bytes.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class EtcdWireContractTests
{
    [Fact]
    public void PutRequest_AllFields_EncodesEtcdFieldNumbers()
    {
        var request = EtcdConvert.ToProto(new EtcdPutRequest("a", "b"u8.ToArray()) { Lease = 5, PrevKv = true });

        // key=1 (bytes), value=2 (bytes), lease=3 (varint), prev_kv=4 (bool)
        request.ToByteArray().Should().Equal(0x0A, 0x01, 0x61, 0x12, 0x01, 0x62, 0x18, 0x05, 0x20, 0x01);
    }

    [Fact]
    public void RangeRequest_PrefixWithLimit_EncodesRangeEndAndFlags()
    {
        var request = EtcdConvert.ToProto(new EtcdRangeRequest("a") { Prefix = true, Limit = 2, Revision = 7, KeysOnly = true, CountOnly = true });

        // key=1, range_end=2 ("b"), limit=3, revision=4, keys_only=8, count_only=9
        request.ToByteArray().Should().Equal(0x0A, 0x01, 0x61, 0x12, 0x01, 0x62, 0x18, 0x02, 0x20, 0x07, 0x40, 0x01, 0x48, 0x01);
    }

    [Fact]
    public void TxnRequest_ModRevisionCompareAndPut_EncodesOneofFields()
    {
        var request = EtcdConvert.ToProto(new EtcdTxnRequest(
            [EtcdCompare.ModRevision("k", EtcdCompareResult.Equal, 3)],
            [EtcdTxnOperation.Set(new EtcdPutRequest("k", "v"u8.ToArray()))],
            []));

        // compare=1 { target=2 MOD(2), key=3 "k", mod_revision=6 (3) }, success=2 { request_put=2 { key, value } }
        request.ToByteArray().Should().Equal(
            0x0A, 0x07, 0x10, 0x02, 0x1A, 0x01, 0x6B, 0x30, 0x03,
            0x12, 0x08, 0x12, 0x06, 0x0A, 0x01, 0x6B, 0x12, 0x01, 0x76);
    }

    [Fact]
    public void WatchResponse_EventsField11_DecodesDeleteEvent()
    {
        // header=1 { revision=3 (9) }, watch_id=2 (1), events=11 { type=1 DELETE, kv=2 { key "k", mod_revision=3 (9) } }
        byte[] wire = [0x0A, 0x02, 0x18, 0x09, 0x10, 0x01, 0x5A, 0x09, 0x08, 0x01, 0x12, 0x05, 0x0A, 0x01, 0x6B, 0x18, 0x09];

        var response = EtcdConvert.ToResult(WatchResponse.Parser.ParseFrom(wire));

        response.Header.Revision.Should().Be(9);
        response.WatchId.Should().Be(1);
        response.Events.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new EtcdEvent(EtcdEventType.Delete, new EtcdKeyValue("k", ReadOnlyMemory<byte>.Empty, 0, 9, 0, 0), null),
            o => o.ComparingByMembers<EtcdKeyValue>().Excluding(kv => kv.Kv.Value));
    }

    [Fact]
    public void LeaseGrantRequest_Ttl_IsFieldOne()
    {
        new LeaseGrantRequest { TTL = 10 }.ToByteArray().Should().Equal(0x08, 0x0A);
    }

    public static TheoryData<string, EtcdTxnRequest> Transactions() => new()
    {
        { "empty", new EtcdTxnRequest([], [], []) },
        { "puts", new EtcdTxnRequest([], [
            EtcdTxnOperation.Set(new EtcdPutRequest("cilium/state/ip/v1/default/10.0.0.1", "{\"IP\":\"10.0.0.1\"}"u8.ToArray()) { Lease = 7587883454511234567 }),
            EtcdTxnOperation.Set(new EtcdPutRequest("k", new byte[300]) { Lease = 1, PrevKv = true }),
            EtcdTxnOperation.Set(new EtcdPutRequest("empty-value", ReadOnlyMemory<byte>.Empty)),
            EtcdTxnOperation.Set(new EtcdPutRequest("zürich/ключ/鍵", "ü"u8.ToArray())),
            EtcdTxnOperation.Set(new EtcdPutRequest(new string('k', 200), new byte[20_000]) { Lease = -1 }),
        ], []) },
        { "deletes", new EtcdTxnRequest([], [
            EtcdTxnOperation.Remove(new EtcdDeleteRequest("a")),
            EtcdTxnOperation.Remove(EtcdDeleteRequest.ForPrefix("cilium/state/") with { PrevKv = true }),
            EtcdTxnOperation.Remove(new EtcdDeleteRequest("a") { RangeEnd = "z" }),
            EtcdTxnOperation.Remove(new EtcdDeleteRequest("\0") { RangeEnd = EtcdKeys.AllFromKey }),
        ], [EtcdTxnOperation.Remove(new EtcdDeleteRequest("b"))]) },
        { "compares, ranges and both branches", new EtcdTxnRequest(
            [EtcdCompare.ModRevision("k", EtcdCompareResult.Equal, 3), EtcdCompare.Missing("m"), EtcdCompare.Version("v", EtcdCompareResult.Greater, 2)],
            [EtcdTxnOperation.Set(new EtcdPutRequest("k", "v"u8.ToArray())), EtcdTxnOperation.Get(new EtcdRangeRequest("k") { Prefix = true, Limit = 2 })],
            [EtcdTxnOperation.Get(new EtcdRangeRequest("k")), EtcdTxnOperation.Remove(new EtcdDeleteRequest("k"))]) },
    };

    [Theory]
    [MemberData(nameof(Transactions))]
    public void TxnRequestWriter_AnyTransaction_SameBytesAsTheGeneratedMessage(string shape, EtcdTxnRequest request)
    {
        var generated = EtcdConvert.ToProto(request).ToByteArray();
        var writer = new TxnRequestWriter(request);

        writer.CalculateSize().Should().Be(generated.Length, shape);
        writer.ToByteArray().Should().Equal(generated, shape);
        var span = new byte[generated.Length];
        writer.WriteTo(span.AsSpan());
        span.Should().Equal(generated, shape);
    }

    [Fact]
    public void TxnResponseSummary_FullResponse_KeepsHeaderAndOutcomeAndSkipsTheResponses()
    {
        var full = new TxnResponse
        {
            Header = new ResponseHeader { ClusterId = 1, MemberId = 2, Revision = 42, RaftTerm = 3 },
            Succeeded = true,
        };
        for (var i = 0; i < 3; i++)
        {
            full.Responses.Add(new ResponseOp { ResponsePut = new PutResponse { Header = new ResponseHeader { Revision = 42 } } });
        }
        full.Responses.Add(new ResponseOp { ResponseRange = new RangeResponse { Count = 1, Kvs = { new KeyValue { Key = ByteString.CopyFromUtf8("k") } } } });

        var summary = EtcdMethods.TxnSummary.ResponseParser.ParseFrom(full.ToByteArray());

        summary.Header.Revision.Should().Be(42);
        summary.Header.RaftTerm.Should().Be(3);
        summary.Succeeded.Should().BeTrue();
        summary.CalculateSize().Should().Be(summary.Header.CalculateSize() + 2 + 2, "the responses were dropped, not kept as unknown fields");
    }
}
