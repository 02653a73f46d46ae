namespace Mesh.KvStore.Backend;

/// <summary>Whether the compares held, the revision after the transaction, and the results of Get operations in order.</summary>
public sealed record TxnResult(bool Succeeded, long Revision, IReadOnlyList<RangeResult> Reads);
