using System.Diagnostics;
using System.Net;
using System.Text;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Cilium.Values;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Etcd.Backend;
using Mesh.KvStore.Store;
using Mesh.KvStore.Sync;
using Mesh.Testing.Etcd;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Benchmarks.KvStore;

/// <summary>
/// The kvstore issue's benchmark, on a real etcd on loopback:
/// (a) the bare etcd client writing N distinct leased keys in transactions of 128 puts (the limit here),
/// (b) SyncStore writing the same N Cilium ipcache values (goal: ≥ 0.8 × (a)),
/// (c) put → WatchStore event latency at a steady put rate (reference: etcd alone, p50 0.5 ms / p99 2.8 ms).
/// </summary>
internal static class KvStoreBench
{
    private const int BatchSize = 128;
    private const int InFlight = 4;
    private const int KeysPerLease = 1000;

    public static async Task<BenchReport> RunAsync(BenchOptions options)
    {
        var keys = options.Int("keys", 100_000);
        var rounds = options.Int("rounds", 5);
        var rate = options.Int("rate", 1000);
        var seconds = options.Int("seconds", 10);
        var values = CiliumValues(keys);

        // One uncounted round first: JIT and the page cache make the first measurement of either side slower.
        for (var side = 0; side < 2; side++)
        {
            await using var warm = await StartEtcdAsync();
            _ = side == 0 ? await BareClientAsync(warm, values[..(keys / 5)], -1) : await SyncStoreAsync(warm, values[..(keys / 5)], -1);
        }
        var bare = new List<Measurement>();
        var sync = new List<Measurement>();
        for (var round = 0; round < rounds; round++)
        {
            // Every measurement gets a fresh etcd (an etcd that already holds 100k keys is slower), and the order
            // alternates so neither side always runs first.
            var bareFirst = round % 2 == 0;
            for (var side = 0; side < 2; side++)
            {
                await using var fresh = await StartEtcdAsync();
                if ((side == 0) == bareFirst)
                {
                    bare.Add(await MeasureAsync(fresh, values.Length, () => BareClientAsync(fresh, values, round)));
                }
                else
                {
                    sync.Add(await MeasureAsync(fresh, values.Length, () => SyncStoreAsync(fresh, values, round)));
                }
            }
            Console.WriteLine($"round {round + 1}: bare {bare[^1].Rate:N0} keys/s, SyncStore {sync[^1].Rate:N0} keys/s, ratio {sync[^1].Rate / bare[^1].Rate:N2}");
        }
        await using var etcd = await StartEtcdAsync();
        var (p50, p99, count) = await WatchLatencyAsync(etcd, rate, seconds);

        var bareMedian = BenchStats.Median(bare.Select(m => m.Rate).ToList());
        var syncMedian = BenchStats.Median(sync.Select(m => m.Rate).ToList());
        // Rounds pair measurements taken close together: the median of their ratios is less exposed to machine noise
        // than the ratio of two medians.
        var ratio = BenchStats.Median(bare.Zip(sync, (b, s) => s.Rate / b.Rate).ToList());
        return new BenchReport(
            "kvstore",
            BenchReport.MachineDescription() + ", etcd 3.4 on loopback",
            [
                new BenchRow($"(a) bare client, {keys:N0} leased keys", bareMedian, "keys/s", $"Txn of {BatchSize} puts, {InFlight} in flight, {KeysPerLease} keys/lease; spec §6 measured ~54,000 keys/s"),
                new BenchRow($"(b) SyncStore, same {keys:N0} values", syncMedian, "keys/s", "until the sync canary is written"),
                new BenchRow("(b)/(a), median of per-round ratios", ratio, "ratio", "goal: >= 0.80", ratio >= 0.8),
                new BenchRow("(a) client CPU per key", BenchStats.Median(bare.Select(m => m.ClientMicros).ToList()), "us", $"etcd: {BenchStats.Median(bare.Select(m => m.EtcdMicros).ToList()):N1} us/key"),
                new BenchRow("(b) client CPU per key", BenchStats.Median(sync.Select(m => m.ClientMicros).ToList()), "us", $"etcd: {BenchStats.Median(sync.Select(m => m.EtcdMicros).ToList()):N1} us/key"),
                new BenchRow($"(c) put -> WatchStore p50 at {rate}/s", p50, "ms", "etcd alone (spec §6): p50 0.5 ms"),
                new BenchRow($"(c) put -> WatchStore p99 at {rate}/s", p99, "ms", "etcd alone (spec §6): p99 2.8 ms"),
                new BenchRow("(c) events measured", count, "events", $"{seconds} s at {rate} puts/s"),
            ],
            [$"{rounds} alternating rounds after an uncounted warm-up round, a fresh etcd per measurement; bare: [{BenchStats.List(bare.Select(m => m.Rate), "N0")}], SyncStore: [{BenchStats.List(sync.Select(m => m.Rate), "N0")}] keys/s"]);
    }

    /// <summary>One write run: its rate, and the CPU this process and etcd spent per key.</summary>
    private readonly record struct Measurement(double Rate, double ClientMicros, double EtcdMicros);

    private static async Task<Measurement> MeasureAsync(EtcdFixture etcd, int keys, Func<Task<double>> run)
    {
        var before = EtcdCpu.Now(etcd);
        var rate = await run();
        var spent = EtcdCpu.Now(etcd) - before;
        return new Measurement(rate, spent.ClientMicrosPerKey(keys), spent.EtcdMicrosPerKey(keys));
    }

    private static Task<EtcdFixture> StartEtcdAsync() =>
        EtcdFixture.StartAsync(new EtcdOptions { ExtraArguments = ["--quota-backend-bytes=8589934592"] });

    /// <summary>N ipcache entries as the apiserver would export them (about 200 bytes each).</summary>
    private static (string Name, byte[] Value)[] CiliumValues(int count)
    {
        var values = new (string, byte[])[count];
        for (var i = 0; i < count; i++)
        {
            var pair = new IpIdentityPair
            {
                Ip = new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]),
                HostIp = new IPAddress([172, 18, 0, (byte)(i % 250 + 1)]),
                Id = 65536u + (uint)(i % 60000),
                Key = 1,
                K8sNamespace = $"namespace-{i % 100}",
                K8sPodName = $"pod-{i:D7}",
                K8sServiceAccount = "default",
            };
            values[i] = (pair.PrefixString, IpIdentityPairCodec.Encode(pair));
        }
        return values;
    }

    private static IEtcdClient Client(EtcdFixture etcd) =>
        EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = etcd.ClientEndpoints, Qps = 0, BootstrapQps = 0, MaxInflight = 0 });

    private static async Task<double> BareClientAsync(EtcdFixture etcd, (string Name, byte[] Value)[] values, int round)
    {
        await using var client = Client(etcd);
        var prefix = $"cilium/bench/bare/{round}/";
        var watch = Stopwatch.StartNew();
        var leases = new long[(values.Length + KeysPerLease - 1) / KeysPerLease];
        for (var i = 0; i < leases.Length; i++)
        {
            leases[i] = (await client.LeaseGrantAsync(TimeSpan.FromMinutes(15))).Id;
        }
        var next = -1;
        async Task WorkerAsync()
        {
            while (true)
            {
                var batch = Interlocked.Increment(ref next);
                var start = batch * BatchSize;
                if (start >= values.Length)
                {
                    return;
                }
                var end = Math.Min(start + BatchSize, values.Length);
                var puts = new List<EtcdTxnOperation>(end - start);
                for (var i = start; i < end; i++)
                {
                    puts.Add(EtcdTxnOperation.Set(new EtcdPutRequest(prefix + values[i].Name, values[i].Value) { Lease = leases[i / KeysPerLease] }));
                }
                await client.TxnAsync(new EtcdTxnRequest([], puts, []));
            }
        }
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => WorkerAsync()));
        watch.Stop();
        return values.Length / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> SyncStoreAsync(EtcdFixture etcd, (string Name, byte[] Value)[] values, int round)
    {
        await using var kv = KvStoreFactory.Create(new EtcdKvBackend(Client(etcd)), new KvStoreOptions { MaxKeysPerLease = KeysPerLease });
        var prefix = $"cilium/bench/sync/{round}";
        await using var store = new SyncStore(kv, new SyncStoreOptions
        {
            Prefix = prefix,
            SourceCluster = "bench",
            CanaryKey = CiliumKeys.SyncCanary("bench", $"cilium/bench/sync/{round}"),
            Workers = InFlight,
            BatchSize = BatchSize,
        }, TimeProvider.System, NullLogger<SyncStore>.Instance);
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var loop = store.RunAsync(stop.Token);
        foreach (var (name, value) in values)
        {
            store.Upsert(name, value);
        }
        store.MarkSynced();
        await store.SyncedTask;
        watch.Stop();
        await stop.CancelAsync();
        await loop;
        return values.Length / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Puts at a steady rate with the bare client; a WatchStore on the same prefix records put → event time.</summary>
    private static async Task<(double P50, double P99, int Count)> WatchLatencyAsync(EtcdFixture etcd, int rate, int seconds)
    {
        await using var writer = Client(etcd);
        await using var kv = KvStoreFactory.Create(new EtcdKvBackend(Client(etcd)));
        var latencies = new List<double>(rate * seconds);
        var store = new WatchStore<string>(
            "cilium/bench/latency",
            (_, value) => WatchStoreDecode<string>.Accept(string.Empty),
            change =>
            {
                if (change.Kind == WatchStoreChangeKind.Upsert)
                {
                    var sent = long.Parse(change.Name, System.Globalization.CultureInfo.InvariantCulture);
                    lock (latencies)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    }
                }
            },
            NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var watching = store.WatchAsync(kv, stop.Token);
        await store.Synced;
        var payload = Encoding.UTF8.GetBytes(new string('x', 200));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        var perTick = Math.Max(1, rate / 100);
        var total = rate * seconds;
        var sentCount = 0;
        while (sentCount < total && await timer.WaitForNextTickAsync())
        {
            for (var i = 0; i < perTick && sentCount < total; i++, sentCount++)
            {
                // The key carries the send timestamp, so the observer needs no shared table.
                await writer.PutAsync(new EtcdPutRequest($"cilium/bench/latency/{Stopwatch.GetTimestamp()}", payload));
            }
        }
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            lock (latencies)
            {
                if (latencies.Count >= total)
                {
                    break;
                }
            }
            await Task.Delay(10);
        }
        await stop.CancelAsync();
        await watching.ContinueWith(_ => { }, TaskScheduler.Default);
        double[] sorted;
        lock (latencies)
        {
            sorted = [.. latencies.Order()];
        }
        return (Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Length);
    }

    private static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
