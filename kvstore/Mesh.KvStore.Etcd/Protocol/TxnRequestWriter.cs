using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Mesh.KvStore.Etcd.Protocol;

/// <summary>
/// Writes an <see cref="EtcdTxnRequest"/> as etcd's TxnRequest straight onto the wire. Puts and deletes, nearly every
/// operation of a bulk write, go out field by field from the request: no RequestOp, PutRequest and two copied
/// ByteStrings per key first. Compares and ranges take the generated messages. Write-only: nothing parses into it.
/// </summary>
internal sealed class TxnRequestWriter : IMessage<TxnRequestWriter>, IBufferMessage
{
    // Field tags (field number << 3 | wire type 2, length-delimited) of TxnRequest, RequestOp and the requests.
    private const byte CompareTag = 0x0A;
    private const byte SuccessTag = 0x12;
    private const byte FailureTag = 0x1A;
    private const byte OpRangeTag = 0x0A;
    private const byte OpPutTag = 0x12;
    private const byte OpDeleteTag = 0x1A;
    private const byte KeyTag = 0x0A;
    private const byte PutValueTag = 0x12;
    private const byte PutLeaseTag = 0x18;
    private const byte PutPrevKvTag = 0x20;
    private const byte DeleteRangeEndTag = 0x12;
    private const byte DeletePrevKvTag = 0x18;

    private readonly EtcdTxnRequest _request;
    private Compare[]? _compares;
    // The size of each operation's request (put, delete or range), success branch first: counted once for the message
    // size and reused for the length prefixes when writing (the gRPC framing asks for the size, then writes).
    private int[]? _memberSizes;

    public TxnRequestWriter(EtcdTxnRequest request) => _request = request ?? throw new ArgumentNullException(nameof(request));

    public MessageDescriptor Descriptor => TxnRequest.Descriptor;

    public int CalculateSize()
    {
        var size = 0;
        foreach (var compare in Compares())
        {
            size += 1 + CodedOutputStream.ComputeMessageSize(compare);
        }
        foreach (var member in MemberSizes())
        {
            var operation = OperationSize(member);
            size += 1 + CodedOutputStream.ComputeLengthSize(operation) + operation;
        }
        return size;
    }

    public void InternalWriteTo(ref WriteContext output)
    {
        foreach (var compare in Compares())
        {
            output.WriteRawTag(CompareTag);
            output.WriteMessage(compare);
        }
        var sizes = MemberSizes();
        WriteBranch(ref output, SuccessTag, _request.Success, sizes.AsSpan(0, _request.Success.Count));
        WriteBranch(ref output, FailureTag, _request.Failure, sizes.AsSpan(_request.Success.Count));
    }

    public void WriteTo(CodedOutputStream output) => output.WriteRawMessage(this);

    public void MergeFrom(TxnRequestWriter message) => throw new NotSupportedException("a transaction writer is written, never merged into");

    public void MergeFrom(CodedInputStream input) => throw new NotSupportedException("a transaction writer is written, never parsed into");

    public void InternalMergeFrom(ref ParseContext ctx) => throw new NotSupportedException("a transaction writer is written, never parsed into");

    public TxnRequestWriter Clone() => new(_request);

    public bool Equals(TxnRequestWriter? other) => other is not null && _request.Equals(other._request);

    public override bool Equals(object? obj) => Equals(obj as TxnRequestWriter);

    public override int GetHashCode() => _request.GetHashCode();

    private Compare[] Compares()
    {
        if (_compares is null)
        {
            var compares = new Compare[_request.Compare.Count];
            for (var i = 0; i < compares.Length; i++)
            {
                compares[i] = EtcdConvert.ToProto(_request.Compare[i]);
            }
            _compares = compares;
        }
        return _compares;
    }

    private int[] MemberSizes()
    {
        if (_memberSizes is null)
        {
            var sizes = new int[_request.Success.Count + _request.Failure.Count];
            for (var i = 0; i < sizes.Length; i++)
            {
                sizes[i] = MemberSize(i < _request.Success.Count ? _request.Success[i] : _request.Failure[i - _request.Success.Count]);
            }
            _memberSizes = sizes;
        }
        return _memberSizes;
    }

    private static void WriteBranch(ref WriteContext output, byte tag, IReadOnlyList<EtcdTxnOperation> operations, ReadOnlySpan<int> sizes)
    {
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i];
            output.WriteRawTag(tag);
            output.WriteLength(OperationSize(sizes[i]));
            if (operation.Put is { } put)
            {
                output.WriteRawTag(OpPutTag);
                output.WriteLength(sizes[i]);
                WritePut(ref output, put);
            }
            else if (operation.Delete is { } delete)
            {
                output.WriteRawTag(OpDeleteTag);
                output.WriteLength(sizes[i]);
                WriteDelete(ref output, delete);
            }
            else
            {
                output.WriteRawTag(OpRangeTag);
                output.WriteMessage(EtcdConvert.ToProto(operation.Range!));
            }
        }
    }

    /// <summary>The size of the operation's one set member (its request), without the member's tag and length.</summary>
    private static int MemberSize(EtcdTxnOperation operation) =>
        operation.Put is { } put ? PutSize(put)
        : operation.Delete is { } delete ? DeleteSize(delete)
        : operation.Range is { } range ? EtcdConvert.ToProto(range).CalculateSize()
        : throw new ArgumentException("a transaction operation must be a range, a put or a delete", nameof(operation));

    /// <summary>A RequestOp's size around a member of <paramref name="member"/> bytes: the member's tag and length included.</summary>
    private static int OperationSize(int member) => 1 + CodedOutputStream.ComputeLengthSize(member) + member;

    // Proto3 leaves out fields at their default; so does this writer, byte for byte as the generated messages would.
    private static int PutSize(EtcdPutRequest put) =>
        (put.Key.Length == 0 ? 0 : 1 + CodedOutputStream.ComputeStringSize(put.Key))
        + (put.Value.Length == 0 ? 0 : 1 + CodedOutputStream.ComputeLengthSize(put.Value.Length) + put.Value.Length)
        + (put.Lease == 0 ? 0 : 1 + CodedOutputStream.ComputeInt64Size(put.Lease))
        + (put.PrevKv ? 2 : 0);

    private static void WritePut(ref WriteContext output, EtcdPutRequest put)
    {
        if (put.Key.Length != 0)
        {
            // A key is UTF-8 on the wire either way: as a string it is encoded straight from the .NET string.
            output.WriteRawTag(KeyTag);
            output.WriteString(put.Key);
        }
        if (put.Value.Length != 0)
        {
            output.WriteRawTag(PutValueTag);
            output.WriteBytes(UnsafeByteOperations.UnsafeWrap(put.Value));
        }
        if (put.Lease != 0)
        {
            output.WriteRawTag(PutLeaseTag);
            output.WriteInt64(put.Lease);
        }
        if (put.PrevKv)
        {
            output.WriteRawTag(PutPrevKvTag);
            output.WriteBool(true);
        }
    }

    private static int DeleteSize(EtcdDeleteRequest delete)
    {
        var rangeEnd = EtcdConvert.RangeEnd(delete.Key, delete.Prefix, delete.RangeEnd);
        return (delete.Key.Length == 0 ? 0 : 1 + CodedOutputStream.ComputeStringSize(delete.Key))
            + (rangeEnd.Length == 0 ? 0 : 1 + CodedOutputStream.ComputeBytesSize(rangeEnd))
            + (delete.PrevKv ? 2 : 0);
    }

    private static void WriteDelete(ref WriteContext output, EtcdDeleteRequest delete)
    {
        if (delete.Key.Length != 0)
        {
            output.WriteRawTag(KeyTag);
            output.WriteString(delete.Key);
        }
        var rangeEnd = EtcdConvert.RangeEnd(delete.Key, delete.Prefix, delete.RangeEnd);
        if (rangeEnd.Length != 0)
        {
            output.WriteRawTag(DeleteRangeEndTag);
            output.WriteBytes(rangeEnd);
        }
        if (delete.PrevKv)
        {
            output.WriteRawTag(DeletePrevKvTag);
            output.WriteBool(true);
        }
    }
}
