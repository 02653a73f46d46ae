using BenchmarkDotNet.Attributes;
using Mesh.StateDb.Tables;

namespace Mesh.Benchmarks.StateDb;

/// <summary>A reader taking and walking the changes of a 10k-row transaction on a 250k-row table.</summary>
[MemoryDiagnoser]
public class ChangeBenchmarks
{
    private Table<BenchEndpoint, string> _table = null!;
    private ChangeIterator<BenchEndpoint, string> _changes = null!;
    private BenchEndpoint[][] _batches = null!;
    private int _round;

    [Params(250_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = new Table<BenchEndpoint, string>("endpoints", e => e.Name);
        _table.Write(tx =>
        {
            for (var i = 0; i < Rows; i++)
            {
                tx.Insert(BenchEndpoint.Create(i, 80));
            }
        });
        _changes = _table.Changes();
        _changes.Next();
        _batches =
        [
            [.. Enumerable.Range(0, 10_000).Select(i => BenchEndpoint.Create(i * (Rows / 10_000), 443))],
            [.. Enumerable.Range(0, 10_000).Select(i => BenchEndpoint.Create(i * (Rows / 10_000), 80))],
        ];
    }

    [GlobalCleanup]
    public void Cleanup() => _changes.Dispose();

    [IterationSetup]
    public void WriteBatch()
    {
        using var tx = _table.BeginWrite();
        foreach (var row in _batches[_round++ & 1])
        {
            tx.Insert(row);
        }
        tx.Commit();
    }

    [Benchmark(Description = "iterate changes of 10k rows")]
    public long IterateChanges()
    {
        long sum = 0;
        foreach (var change in _changes.Next())
        {
            sum += change.Revision + change.Row.Port;
        }
        return sum;
    }
}
