using System.Text;
using Google.Protobuf;

namespace Mesh.KvStore.Etcd.Protocol;

/// <summary>Maps the public request/result records to etcd's protobuf messages and back.</summary>
internal static class EtcdConvert
{
    private static readonly ByteString AllFromKey = ByteString.CopyFrom(0);

    public static ByteString Key(string key) => ByteString.CopyFromUtf8(key);

    public static ByteString RangeEnd(string key, bool prefix, string? rangeEnd) =>
        prefix ? UnsafeByteOperations.UnsafeWrap(EtcdKeys.PrefixEnd(Encoding.UTF8.GetBytes(key)))
        : rangeEnd is null ? ByteString.Empty
        : rangeEnd == EtcdKeys.AllFromKey ? AllFromKey
        : ByteString.CopyFromUtf8(rangeEnd);

    public static EtcdHeader ToHeader(ResponseHeader? header) =>
        header is null ? new EtcdHeader(0, 0, 0, 0) : new EtcdHeader(header.ClusterId, header.MemberId, header.Revision, header.RaftTerm);

    public static EtcdKeyValue ToKeyValue(KeyValue kv) =>
        new(kv.Key.ToStringUtf8(), kv.Value.Memory, kv.CreateRevision, kv.ModRevision, kv.Version, kv.Lease);

    public static RangeRequest ToProto(EtcdRangeRequest request) => new()
    {
        Key = Key(request.Key),
        RangeEnd = RangeEnd(request.Key, request.Prefix, request.RangeEnd),
        Limit = request.Limit,
        Revision = request.Revision,
        KeysOnly = request.KeysOnly,
        CountOnly = request.CountOnly,
        Serializable = request.Serializable,
    };

    public static PutRequest ToProto(EtcdPutRequest request) => new()
    {
        Key = Key(request.Key),
        Value = UnsafeByteOperations.UnsafeWrap(request.Value),
        Lease = request.Lease,
        PrevKv = request.PrevKv,
    };

    public static DeleteRangeRequest ToProto(EtcdDeleteRequest request) => new()
    {
        Key = Key(request.Key),
        RangeEnd = RangeEnd(request.Key, request.Prefix, request.RangeEnd),
        PrevKv = request.PrevKv,
    };

    public static TxnRequest ToProto(EtcdTxnRequest request)
    {
        var txn = new TxnRequest();
        foreach (var compare in request.Compare)
        {
            txn.Compare.Add(ToProto(compare));
        }
        foreach (var operation in request.Success)
        {
            txn.Success.Add(ToProto(operation));
        }
        foreach (var operation in request.Failure)
        {
            txn.Failure.Add(ToProto(operation));
        }
        return txn;
    }

    public static WatchCreateRequest ToProto(EtcdWatchRequest request, long startRevision) => new()
    {
        Key = Key(request.Key),
        RangeEnd = RangeEnd(request.Key, request.Prefix, request.RangeEnd),
        StartRevision = startRevision,
        PrevKv = request.PrevKv,
        ProgressNotify = request.ProgressNotify,
    };

    public static EtcdRangeResult ToResult(RangeResponse response)
    {
        var kvs = new EtcdKeyValue[response.Kvs.Count];
        for (var i = 0; i < kvs.Length; i++)
        {
            kvs[i] = ToKeyValue(response.Kvs[i]);
        }
        return new EtcdRangeResult(ToHeader(response.Header), kvs, response.More, response.Count);
    }

    public static EtcdPutResult ToResult(PutResponse response) =>
        new(ToHeader(response.Header), response.PrevKv is null ? null : ToKeyValue(response.PrevKv));

    public static EtcdDeleteResult ToResult(DeleteRangeResponse response)
    {
        var previous = new EtcdKeyValue[response.PrevKvs.Count];
        for (var i = 0; i < previous.Length; i++)
        {
            previous[i] = ToKeyValue(response.PrevKvs[i]);
        }
        return new EtcdDeleteResult(ToHeader(response.Header), response.Deleted, previous);
    }

    public static EtcdTxnResult ToResult(TxnResponse response)
    {
        var results = new EtcdTxnOperationResult[response.Responses.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var op = response.Responses[i];
            results[i] = new EtcdTxnOperationResult(
                op.ResponseRange is null ? null : ToResult(op.ResponseRange),
                op.ResponsePut is null ? null : ToResult(op.ResponsePut),
                op.ResponseDeleteRange is null ? null : ToResult(op.ResponseDeleteRange));
        }
        return new EtcdTxnResult(ToHeader(response.Header), response.Succeeded, results);
    }

    public static EtcdWatchResponse ToResult(WatchResponse response)
    {
        var events = response.Events.Count == 0 ? [] : new EtcdEvent[response.Events.Count];
        for (var i = 0; i < events.Length; i++)
        {
            var e = response.Events[i];
            events[i] = new EtcdEvent(
                e.Type == Event.Types.EventType.Delete ? EtcdEventType.Delete : EtcdEventType.Put,
                ToKeyValue(e.Kv),
                e.PrevKv is null ? null : ToKeyValue(e.PrevKv));
        }
        return new EtcdWatchResponse(ToHeader(response.Header), response.WatchId, response.Created, response.Canceled,
            response.CompactRevision, response.CancelReason, events);
    }

    public static EtcdStatus ToResult(StatusResponse response) =>
        new(ToHeader(response.Header), response.Version, response.DbSize, response.DbSizeInUse, response.Leader, response.RaftIndex, [.. response.Errors]);

    public static Permission.Types.Type ToProto(EtcdPermissionType type) => type switch
    {
        EtcdPermissionType.Read => Permission.Types.Type.Read,
        EtcdPermissionType.Write => Permission.Types.Type.Write,
        EtcdPermissionType.ReadWrite => Permission.Types.Type.Readwrite,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown permission type"),
    };

    public static Compare ToProto(EtcdCompare compare)
    {
        var message = new Compare
        {
            Key = Key(compare.Key),
            Result = compare.Result switch
            {
                EtcdCompareResult.Equal => Compare.Types.CompareResult.Equal,
                EtcdCompareResult.Greater => Compare.Types.CompareResult.Greater,
                EtcdCompareResult.Less => Compare.Types.CompareResult.Less,
                EtcdCompareResult.NotEqual => Compare.Types.CompareResult.NotEqual,
                _ => throw new ArgumentOutOfRangeException(nameof(compare), compare.Result, "unknown compare result"),
            },
        };
        switch (compare.Target)
        {
            case EtcdCompareTarget.Version:
                message.Target = Compare.Types.CompareTarget.Version;
                message.Version = compare.Number;
                break;
            case EtcdCompareTarget.CreateRevision:
                message.Target = Compare.Types.CompareTarget.Create;
                message.CreateRevision = compare.Number;
                break;
            case EtcdCompareTarget.ModRevision:
                message.Target = Compare.Types.CompareTarget.Mod;
                message.ModRevision = compare.Number;
                break;
            case EtcdCompareTarget.Value:
                message.Target = Compare.Types.CompareTarget.Value;
                message.Value = UnsafeByteOperations.UnsafeWrap(compare.Value);
                break;
            case EtcdCompareTarget.Lease:
                message.Target = Compare.Types.CompareTarget.Lease;
                message.Lease = compare.Number;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(compare), compare.Target, "unknown compare target");
        }
        return message;
    }

    private static RequestOp ToProto(EtcdTxnOperation operation) =>
        operation.Range is { } range ? new RequestOp { RequestRange = ToProto(range) }
        : operation.Put is { } put ? new RequestOp { RequestPut = ToProto(put) }
        : operation.Delete is { } delete ? new RequestOp { RequestDeleteRange = ToProto(delete) }
        : throw new ArgumentException("a transaction operation must be a range, a put or a delete", nameof(operation));
}
