namespace Mesh.KvStore.Backend;

/// <summary>If every compare holds, run <see cref="Success"/>, else <see cref="Failure"/>, atomically.</summary>
public sealed record TxnRequest(IReadOnlyList<TxnCompare> Compares, IReadOnlyList<TxnOperation> Success, IReadOnlyList<TxnOperation> Failure);
