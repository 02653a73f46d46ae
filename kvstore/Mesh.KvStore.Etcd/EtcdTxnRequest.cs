namespace Mesh.KvStore.Etcd;

/// <summary>If every compare holds, run <see cref="Success"/>, else <see cref="Failure"/>; atomically, at one revision.</summary>
public sealed record EtcdTxnRequest(IReadOnlyList<EtcdCompare> Compare, IReadOnlyList<EtcdTxnOperation> Success, IReadOnlyList<EtcdTxnOperation> Failure)
{
    /// <summary>
    /// Only whether the transaction succeeded and at which revision: <see cref="EtcdTxnResult.Responses"/> comes back
    /// empty, and etcd's per-operation results are skipped while parsing instead of becoming objects (a bulk write's
    /// results say nothing but that each put happened).
    /// </summary>
    public bool WithoutResults { get; init; }
}
