namespace Mesh.KvStore.Etcd;

/// <summary>One operation of a transaction branch: exactly one of <see cref="Range"/>, <see cref="Put"/>, <see cref="Delete"/>.</summary>
public sealed record EtcdTxnOperation
{
    private EtcdTxnOperation()
    {
    }

    public EtcdRangeRequest? Range { get; private init; }

    public EtcdPutRequest? Put { get; private init; }

    public EtcdDeleteRequest? Delete { get; private init; }

    public static EtcdTxnOperation Get(EtcdRangeRequest request) => new() { Range = request };

    public static EtcdTxnOperation Set(EtcdPutRequest request) => new() { Put = request };

    public static EtcdTxnOperation Remove(EtcdDeleteRequest request) => new() { Delete = request };
}
