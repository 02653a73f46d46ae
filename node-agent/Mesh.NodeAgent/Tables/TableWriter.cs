using System.Threading.Channels;
using Mesh.StateDb.Tables;

namespace Mesh.NodeAgent.Tables;

/// <summary>
/// Funnels writes from a source's callbacks into a table in batches: every write queued while the previous batch
/// was committing goes into one write transaction, so 250k remote endpoints cost hundreds of commits, not 250k.
/// </summary>
/// <typeparam name="TRow">The table's row type.</typeparam>
/// <typeparam name="TKey">The table's key type.</typeparam>
public sealed class TableWriter<TRow, TKey>
    where TRow : class
    where TKey : notnull
{
    private readonly Table<TRow, TKey> _table;
    private readonly Channel<Action<WriteTransaction<TRow, TKey>>> _queue =
        Channel.CreateUnbounded<Action<WriteTransaction<TRow, TKey>>>(new UnboundedChannelOptions { SingleReader = true });

    public TableWriter(Table<TRow, TKey> table) => _table = table ?? throw new ArgumentNullException(nameof(table));

    /// <summary>Queues a change; it is applied by <see cref="RunAsync"/> in order.</summary>
    public void Enqueue(Action<WriteTransaction<TRow, TKey>> change) => _queue.Writer.TryWrite(change);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var applied = 0;
            using (var tx = _table.BeginWrite())
            {
                while (applied < 65_536 && reader.TryRead(out var change))
                {
                    change(tx);
                    applied++;
                }
                tx.Commit();
            }
        }
    }
}
