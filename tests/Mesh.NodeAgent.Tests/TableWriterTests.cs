using Mesh.NodeAgent.Tables;
using Mesh.StateDb.Tables;
using Mesh.Testing;

namespace Mesh.NodeAgent.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class TableWriterTests
{
    private sealed record Row(int Key, int Value);

    [Fact]
    public async Task Enqueue_FromManyThreadsWhileRunning_EveryChangeCommittedInOrderPerKey()
    {
        var table = new Table<Row, int>("rows", r => r.Key);
        var writer = new TableWriter<Row, int>(table);
        using var stop = new CancellationTokenSource();
        var run = writer.RunAsync(stop.Token);

        // 8 writers, each owning 1000 keys and writing each key twice: the second value must win.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                var key = (w * 1000) + i;
                writer.Enqueue(tx => tx.Insert(new Row(key, 1)));
                writer.Enqueue(tx => tx.Insert(new Row(key, 2)));
            }
        })));

        await Eventually.UntilAsync(() => table.Snapshot().Count == 8000, what: "every key committed");
        table.Snapshot().All().Should().OnlyContain(r => r.Value == 2);

        // A change queued after the writer went idle is still applied.
        writer.Enqueue(tx => tx.Delete(0));
        await Eventually.UntilAsync(() => table.Snapshot().Count == 7999, what: "late change committed");
        await stop.CancelAsync();
        await FluentActions.Awaiting(() => run).Should().ThrowAsync<OperationCanceledException>();
    }
}
