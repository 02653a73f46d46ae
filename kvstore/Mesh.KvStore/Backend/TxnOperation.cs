namespace Mesh.KvStore.Backend;

/// <summary>An operation inside a transaction branch: a put (with optional lease), a delete of a key or range, or a read.</summary>
public abstract record TxnOperation
{
    private TxnOperation()
    {
    }

    public sealed record Put(string Key, ReadOnlyMemory<byte> Value, long Lease = 0) : TxnOperation;

    public sealed record Delete(string Key, string? RangeEnd = null) : TxnOperation;

    public sealed record Get(RangeRequest Request) : TxnOperation;
}
