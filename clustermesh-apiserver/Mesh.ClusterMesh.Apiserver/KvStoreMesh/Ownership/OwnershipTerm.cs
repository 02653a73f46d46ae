using Mesh.KvStore.Backend;

namespace Mesh.ClusterMesh.Apiserver.KvStoreMesh.Ownership;

/// <summary>
/// One period during which this replica owns a remote. Every cache write of the owner carries <see cref="Fence"/>,
/// so once the term is over (even before this replica notices) etcd refuses its writes.
/// </summary>
public sealed class OwnershipTerm : IAsyncDisposable
{
    private readonly Func<bool, ValueTask>? _end;
    private int _ended;

    internal OwnershipTerm(string remote, IReadOnlyList<TxnCompare> fence, Func<bool, ValueTask>? end, CancellationToken lost)
    {
        Remote = remote;
        Fence = fence;
        Lost = lost;
        _end = end;
    }

    public string Remote { get; }

    /// <summary>Compares to add to every write: the owner key still has the create revision of this term.</summary>
    public IReadOnlyList<TxnCompare> Fence { get; }

    /// <summary>Cancelled when ownership is lost (lease gone, owner key replaced, or etcd unreachable for a TTL).</summary>
    public CancellationToken Lost { get; }

    /// <summary>Gives ownership up now (the owner key is deleted), so another replica takes over at once.</summary>
    public ValueTask ReleaseAsync() => Interlocked.Exchange(ref _ended, 1) == 0 && _end is not null ? _end(true) : ValueTask.CompletedTask;

    /// <summary>Stops renewing without giving up: the key expires with its lease (what a crash looks like).</summary>
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _ended, 1) == 0 && _end is not null ? _end(false) : ValueTask.CompletedTask;
}
