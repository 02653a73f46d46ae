using System.Diagnostics;
using Mesh.Bpf;
using Mesh.NodeAgent.Host.Metrics;

namespace Mesh.Benchmarks.NodeAgent;

/// <summary>The reference the agent's map programming is held against: BPF_MAP_UPDATE_BATCH of ready-made bytes.</summary>
internal static class RawBatchUpdate
{
    public const int Chunk = 10_000;

    /// <summary>
    /// The entries in a fixed pseudo-random order, like the agent's rows: a dump comes out in key order, which an LPM
    /// trie inserts far faster (each insert walks the path the previous one warmed) than the order state arrives in.
    /// </summary>
    public static BpfMapEntries Shuffled(BpfMapEntries entries, int seed)
    {
        var order = Enumerable.Range(0, entries.Count).ToArray();
        new Random(seed).Shuffle(order);
        var keys = new byte[entries.Count * entries.KeySize];
        var values = new byte[entries.Count * entries.ValueSize];
        for (var i = 0; i < order.Length; i++)
        {
            entries.Key(order[i]).CopyTo(keys.AsSpan(i * entries.KeySize));
            entries.Value(order[i]).CopyTo(values.AsSpan(i * entries.ValueSize));
        }
        return new BpfMapEntries(entries.KeySize, entries.ValueSize, keys, values, entries.Count);
    }

    /// <summary>Writes the entries in batches of <see cref="Chunk"/> into a fresh map shaped like <paramref name="shape"/>: entries per thread-CPU second and per wall second.</summary>
    public static (double PerCpuSecond, double PerSecond) Measure(BpfMap shape, BpfMapEntries entries)
    {
        using var fresh = BpfMap.Create(shape.Type, shape.KeySize, shape.ValueSize, shape.MaxEntries, "bench_raw", shape.Flags);
        var watch = Stopwatch.StartNew();
        var cpu = ThreadCpuClock.Now;
        for (var start = 0; start < entries.Count; start += Chunk)
        {
            var n = Math.Min(Chunk, entries.Count - start);
            fresh.UpdateBatch(entries.Keys.Slice(start * entries.KeySize, n * entries.KeySize), entries.Values.Slice(start * entries.ValueSize, n * entries.ValueSize));
        }
        return (entries.Count / (ThreadCpuClock.Now - cpu).TotalSeconds, entries.Count / watch.Elapsed.TotalSeconds);
    }
}
