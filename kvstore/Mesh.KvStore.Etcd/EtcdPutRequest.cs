namespace Mesh.KvStore.Etcd;

public sealed record EtcdPutRequest(string Key, ReadOnlyMemory<byte> Value)
{
    /// <summary>Bind the key to this lease (0 = none); the key is deleted when the lease expires.</summary>
    public long Lease { get; init; }

    /// <summary>Return the previous key-value.</summary>
    public bool PrevKv { get; init; }
}
