using System.Net;
using Mesh.Bpf;
using Mesh.Bpf.Maps;
using Mesh.NodeAgent.Collections;
using Mesh.NodeAgent.Host.Datapath;
using Mesh.NodeAgent.IpCache;
using Mesh.NodeAgent.LoadBalancerMaps;
using Mesh.NodeAgent.LoadBalancing;
using Mesh.NodeAgent.Tables;
using Mesh.StateDb.Reconciliation;

namespace Mesh.Benchmarks.NodeAgent;

/// <summary>
/// The agent's map programming (its reconciler operations: encoding, unchanged-entry filter, bookkeeping, batched
/// bpf(2)) against raw BPF_MAP_UPDATE_BATCH of the same bytes, paired: each round programs fresh pinned kernel maps
/// through the agent's code and, right before or after (alternating), writes the same entries raw into a fresh map.
/// The figure is the median of the per-round ratios, both sides measured in thread CPU time on the same quiet host.
/// </summary>
internal static class MapProgrammingBench
{
    /// <summary>Rows per operations call: the reconciler hands a bootstrap over in rounds of this size.</summary>
    private const int RowsPerRound = 65_536;

    /// <summary>The paired rows on their own (<c>map-programming [--rounds N] [--maps ipcache,backends,services]</c>), without the agent process around them.</summary>
    public static BenchReport RunAlone(BenchOptions options)
    {
        if (Mesh.Testing.Prerequisites.Prerequisite.MissingBpf is { } noBpf)
        {
            return new BenchReport("map-programming", BenchReport.MachineDescription(), [new BenchRow("skipped", 0, "-", noBpf)], [$"skipped: {noBpf}"]);
        }
        var rows = new List<BenchRow>();
        var notes = new List<string>();
        Run(options.Int("rounds", 5), rows, notes, options.Text("maps", "ipcache,backends,services").Split(','));
        return new BenchReport("map-programming", BenchReport.MachineDescription(), rows, notes);
    }

    /// <summary>Adds the paired rows of ipcache, backends and services (or only those in <paramref name="only"/>).</summary>
    public static void Run(int rounds, List<BenchRow> rows, List<string> notes, IReadOnlyCollection<string>? only = null)
    {
        bool Selected(string map) => only is null || only.Contains(map);
        var random = new Random(42);
        var ipcache = IpCacheRows(clusters: 250, endpoints: 1000, nodes: 100);
        random.Shuffle(ipcache);
        var backends = BackendRows(100_000);
        random.Shuffle(backends);
        var services = ServiceRows(10_000, backendsEach: 10);
        random.Shuffle(services);
        notes.Add($"map programming, paired: {rounds} rounds after one warm-up, each on fresh pinned maps, the agent's reconciler operations (rounds of {RowsPerRound:N0} rows) vs BPF_MAP_UPDATE_BATCH of {RawBatchUpdate.Chunk:N0} with the same bytes, order alternating; thread CPU time; median of the per-round ratios");

        if (Selected("ipcache"))
        {
            Pair(rounds, "ipcache: 250,000 endpoints + 25,000 nodes", "cilium_ipcache_v2", rows, maps => Program(maps.IpCache, ipcache));
        }
        if (Selected("backends"))
        {
            Pair(rounds, "lb4 backends: 100,000", "cilium_lb4_backends_v3", rows, maps => Program(maps.Backends, backends));
        }
        if (Selected("services"))
        {
            Pair(rounds, "lb4 services: 10,000 x 10 backends", "cilium_lb4_services_v2", rows, maps =>
            {
                // A slot is written only once its backend is in: the backends go in first (not counted for this map).
                Program(maps.Backends, backends);
                Program(maps.Services, services);
            });
        }
    }

    private static void Pair(int rounds, string label, string map, List<BenchRow> rows, Action<DatapathMaps> program)
    {
        var ratios = new List<double>();
        var agentRates = new List<double>();
        var rawRates = new List<double>();
        BpfMapEntries? entries = null;
        var pinRoot = Path.Combine("/sys/fs/bpf", $"mesh-bench-programming-{Environment.ProcessId}");
        for (var round = -1; round < rounds; round++)
        {
            // The warm-up round programs first: its entries are the bytes every raw round writes.
            var agentFirst = round % 2 != 0;
            double agent = 0, raw = 0;
            try
            {
                using var store = BpfMapStores.Kernel(pinRoot);
                using var maps = new DatapathMaps(store, lbMaxEntries: 262_144);
                using var template = BpfMap.OpenPinned(Path.Combine(pinRoot, map));
                if (agentFirst)
                {
                    program(maps);
                    agent = maps.Counters.First(c => c.Map == map).EntriesPerCpuSecond;
                    entries ??= RawBatchUpdate.Shuffled(template.ReadAll(), seed: 7);
                    raw = RawBatchUpdate.Measure(template, entries).PerCpuSecond;
                }
                else
                {
                    raw = RawBatchUpdate.Measure(template, entries!).PerCpuSecond;
                    program(maps);
                    agent = maps.Counters.First(c => c.Map == map).EntriesPerCpuSecond;
                }
            }
            finally
            {
                if (Directory.Exists(pinRoot))
                {
                    Directory.Delete(pinRoot, recursive: true);
                }
            }
            if (round >= 0)
            {
                agentRates.Add(agent);
                rawRates.Add(raw);
                ratios.Add(agent / raw);
            }
        }
        var ratio = BenchStats.Median(ratios);
        rows.Add(new BenchRow($"map programming {label}: agent", BenchStats.Median(agentRates), "entries/cpu-s", "the agent's reconciler operations into fresh pinned maps (encode, filter, bookkeeping, batched bpf(2))"));
        rows.Add(new BenchRow($"map programming {label}: raw bpf(2) batch", BenchStats.Median(rawRates), "entries/cpu-s", $"the same {entries!.Count:N0} entries, BPF_MAP_UPDATE_BATCH into a fresh map, same rounds"));
        rows.Add(new BenchRow($"map programming {label}: agent / raw", ratio, "ratio",
            $"median of {ratios.Count} paired rounds ({BenchStats.List(ratios, "F2")}); goal >= 0.80", ratio >= 0.8));
    }

    private static void Program<TEntry>(MapOperations<TEntry> operations, Desired<TEntry>[] rows)
        where TEntry : class
    {
        for (var start = 0; start < rows.Length; start += RowsPerRound)
        {
            var round = new ArraySegment<Desired<TEntry>>(rows, start, Math.Min(RowsPerRound, rows.Length - start));
            var errors = operations.UpdateBatchAsync(round, CancellationToken.None).GetAwaiter().GetResult();
            if (errors.Count > 0)
            {
                throw new InvalidOperationException($"programming failed: {errors[0].Error}");
            }
        }
    }

    /// <summary>Cilium's scale-clustermesh shape: per cluster, endpoints in 10.&lt;c&gt;.0.0/16 and nodes in 172.16.&lt;c&gt;.0/24.</summary>
    private static Desired<IpCacheEntry>[] IpCacheRows(int clusters, int endpoints, int nodes)
    {
        var rows = new List<Desired<IpCacheEntry>>(clusters * (endpoints + nodes));
        for (var c = 1; c <= clusters; c++)
        {
            for (var n = 0; n < nodes; n++)
            {
                rows.Add(Row(new IpCacheEntry(new IPNetwork(Address(172, 16 + (c >> 8), c & 255, n), 32), 6, null, (uint)c, 0, IpCacheSource.RemoteNode)));
            }
            for (var e = 0; e < endpoints; e++)
            {
                var node = Address(172, 16 + (c >> 8), c & 255, e % nodes);
                rows.Add(Row(new IpCacheEntry(new IPNetwork(Address(10, c & 255, e >> 8, e & 255), 32), (uint)((c << 16) | (256 + (e % 100))), node, (uint)c, 0, IpCacheSource.RemoteEndpoint)));
            }
        }
        return [.. rows];
    }

    private static Desired<LbBackendEntry>[] BackendRows(int count) =>
        [.. Enumerable.Range(1, count).Select(id => Row(new LbBackendEntry((uint)id, new L3L4Address(Address(10, 1 + (id >> 16), (id >> 8) & 255, id & 255), 8080, L4Protocol.Tcp), BackendState.Active, 1, 0)))];

    /// <summary>ClusterIPs from 10.96.0.0/16, port 80, each with its own run of backend IDs.</summary>
    private static Desired<LbServiceEntry>[] ServiceRows(int count, int backendsEach) =>
        [.. Enumerable.Range(0, count).Select(s => Row(new LbServiceEntry(
            new LbFrontendKey(Address(10, 96, s >> 8, s & 255), 80, L4Protocol.Tcp, LbScope.External),
            new ServiceName("bench", $"svc-{s}"),
            (ushort)(s + 1),
            new ValueList<uint>(Enumerable.Range((s * backendsEach) + 1, backendsEach).Select(id => (uint)id)),
            ServiceFlagBits.None,
            0)))];

    private static Desired<TEntry> Row<TEntry>(TEntry entry)
        where TEntry : class => new(entry, ReconcileStatus.Pending);

    private static IPAddress Address(int a, int b, int c, int d) => new([(byte)a, (byte)b, (byte)c, (byte)d]);
}
