using System.Collections.Concurrent;
using Mesh.StateDb.Tables;

namespace Mesh.NodeAgent.Tables;

/// <summary>
/// Funnels writes from a source's callbacks into a table in batches: every write queued while the previous batch
/// was committing goes into one write transaction, so 250k remote endpoints cost hundreds of commits, not 250k.
/// Enqueueing is lock-free: hundreds of remote-cluster watchers call it concurrently during bootstrap.
/// </summary>
/// <typeparam name="TRow">The table's row type.</typeparam>
/// <typeparam name="TKey">The table's key type.</typeparam>
public sealed class TableWriter<TRow, TKey>
    where TRow : class
    where TKey : notnull
{
    private const int MaxBatch = 65_536;

    private readonly Table<TRow, TKey> _table;
    private readonly ConcurrentQueue<Action<WriteTransaction<TRow, TKey>>> _queue = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _signalled;

    public TableWriter(Table<TRow, TKey> table) => _table = table ?? throw new ArgumentNullException(nameof(table));

    /// <summary>Queues a change; it is applied by <see cref="RunAsync"/> in order.</summary>
    public void Enqueue(Action<WriteTransaction<TRow, TKey>> change)
    {
        _queue.Enqueue(change);
        // One wake-up per batch, not per change.
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            Volatile.Read(ref _wake).TrySetResult();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Volatile.Read(ref _wake).Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            // A fresh wake-up first, then the flag cleared, then the drain: a change queued from here on signals the
            // new wake-up, so none is left behind.
            Volatile.Write(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            Volatile.Write(ref _signalled, 0);
            while (!_queue.IsEmpty)
            {
                var applied = 0;
                using var tx = _table.BeginWrite();
                while (applied < MaxBatch && _queue.TryDequeue(out var change))
                {
                    change(tx);
                    applied++;
                }
                tx.Commit();
            }
        }
    }
}
