using BenchmarkDotNet.Attributes;
using Mesh.StateDb.Tables;

namespace Mesh.Benchmarks.StateDb;

/// <summary>Writes and lookups against a table the size of a node agent's endpoint table.</summary>
[MemoryDiagnoser]
public class TableBenchmarks
{
    private static readonly Index<BenchEndpoint, string> ByNode = Index<BenchEndpoint, string>.Create("node", e => e.Node);
    private static readonly Index<BenchEndpoint, string> ByIp = Index<BenchEndpoint, string>.Create("ip", e => e.Ip);

    private Table<BenchEndpoint, string> _table = null!;
    private TableSnapshot<BenchEndpoint, string> _snapshot = null!;
    private BenchEndpoint[][] _batches = null!;
    private string[] _keys = null!;
    private string[] _ips = null!;
    private int _next;
    private int _round;

    [Params(250_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = new Table<BenchEndpoint, string>("endpoints", e => e.Name, ByNode, ByIp);
        _table.Write(tx =>
        {
            for (var i = 0; i < Rows; i++)
            {
                tx.Insert(BenchEndpoint.Create(i, 80));
            }
        });
        _snapshot = _table.Snapshot();
        var random = new Random(42);
        _keys = [.. Enumerable.Range(0, 4096).Select(_ => BenchEndpoint.Create(random.Next(Rows), 0).Name)];
        _ips = [.. Enumerable.Range(0, 4096).Select(_ => BenchEndpoint.Create(random.Next(Rows), 0).Ip)];
        // Two alternating versions of 10k spread-out rows, so that every batch really changes them.
        _batches =
        [
            [.. Enumerable.Range(0, 10_000).Select(i => BenchEndpoint.Create(i * (Rows / 10_000), 443))],
            [.. Enumerable.Range(0, 10_000).Select(i => BenchEndpoint.Create(i * (Rows / 10_000), 80))],
        ];
    }

    [Benchmark(Description = "insert 1 row (own transaction)")]
    public bool InsertOne()
    {
        var i = _next++ & 4095;
        return _table.Write(tx => tx.Insert(BenchEndpoint.Create(i * 61, _next)));
    }

    [Benchmark(Description = "insert 10k rows (one transaction)")]
    public long InsertBatch()
    {
        var batch = _batches[_round++ & 1];
        using var tx = _table.BeginWrite();
        foreach (var row in batch)
        {
            tx.Insert(row);
        }
        tx.Commit();
        return tx.Revision;
    }

    [Benchmark(Description = "lookup by primary key")]
    public BenchEndpoint? LookupPrimary()
    {
        _snapshot.TryGet(_keys[_next++ & 4095], out var row);
        return row;
    }

    [Benchmark(Description = "lookup by index (ip, 1 row)")]
    public BenchEndpoint? LookupIndex()
    {
        foreach (var row in _snapshot.ByIndex(ByIp, _ips[_next++ & 4095]))
        {
            return row;
        }
        return null;
    }

    [Benchmark(Description = "lookup by index (node, 250 rows)")]
    public int LookupIndexNode()
    {
        var count = 0;
        foreach (var row in _snapshot.ByIndex(ByNode, "node-0042"))
        {
            count += row.Port;
        }
        return count;
    }
}
