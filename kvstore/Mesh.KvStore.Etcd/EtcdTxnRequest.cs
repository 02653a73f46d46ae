namespace Mesh.KvStore.Etcd;

/// <summary>If every compare holds, run <see cref="Success"/>, else <see cref="Failure"/>; atomically, at one revision.</summary>
public sealed record EtcdTxnRequest(IReadOnlyList<EtcdCompare> Compare, IReadOnlyList<EtcdTxnOperation> Success, IReadOnlyList<EtcdTxnOperation> Failure);
