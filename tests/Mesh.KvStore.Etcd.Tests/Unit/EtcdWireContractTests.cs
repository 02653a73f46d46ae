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
}
