using Mesh.KvStore.Backend;

namespace Mesh.KvStore.Store;

/// <summary>
/// The key-value operations the rest of Mesh uses, on etcd or the embedded backend. Values are raw bytes; keys are
/// Cilium's <c>cilium/...</c> paths. Leased writes share leases the way Cilium does (up to 1000 keys each).
/// </summary>
public interface IKvStore : IAsyncDisposable
{
    Task<KvEntry?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every key under <paramref name="prefix"/>, read page by page at one revision.</summary>
    Task<KvList> ListPrefixAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Creates or overwrites <paramref name="key"/>; with <paramref name="withLease"/> the key dies with this process's lease.</summary>
    Task UpdateAsync(string key, ReadOnlyMemory<byte> value, bool withLease, CancellationToken cancellationToken);

    /// <summary>
    /// Applies many puts and deletes in one transaction (one revision, one round trip). Keys must be distinct; etcd
    /// allows at most 128 operations per transaction by default.
    /// </summary>
    Task WriteBatchAsync(IReadOnlyList<KvWrite> writes, bool withLease, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="WriteBatchAsync"/> guarded by <paramref name="guards"/> in the same transaction: nothing is written
    /// and the result is false when one of them does not hold (e.g. a fence on an owner key's create revision).
    /// </summary>
    Task<bool> WriteBatchIfAsync(IReadOnlyList<TxnCompare> guards, IReadOnlyList<KvWrite> writes, bool withLease, CancellationToken cancellationToken);

    /// <summary>Writes only if the key does not exist; false when it already did.</summary>
    Task<bool> CreateOnlyAsync(string key, ReadOnlyMemory<byte> value, bool withLease, CancellationToken cancellationToken);

    /// <summary>Deletes one key; false when it was already absent.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes every key under <paramref name="prefix"/>; returns how many.</summary>
    Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Lists <paramref name="prefix"/> (Upsert per key, then one ListDone) and follows changes. The stream survives
    /// outages (it resumes from the last revision seen) and compaction (it relists and reports keys that vanished
    /// meanwhile as deletes); it ends only when cancelled.
    /// </summary>
    IAsyncEnumerable<KvEvent> WatchAsync(string prefix, CancellationToken cancellationToken);

    Task<KvStoreStatus> StatusAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Registers a callback for lost leases: it receives the keys this store had written with the lease, which are
    /// gone from the store and must be written again by their owners.
    /// </summary>
    IDisposable OnLeaseLost(Action<IReadOnlyList<string>> handler);
}
