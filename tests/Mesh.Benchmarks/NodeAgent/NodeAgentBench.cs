using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.Bpf;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Etcd;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;

namespace Mesh.Benchmarks.NodeAgent;

/// <summary>
/// The node-agent issue's benchmarks, each against a real etcd holding KVStoreMesh's cache and a real agent process
/// (the one <c>mesh agent</c> runs) programming pinned kernel maps (userspace maps without privileges):
/// Cilium's scale-clustermesh scenario (250 clusters × 100 nodes, 100 identities, 1000 endpoints) until ready, with
/// peak RSS; propagation latency at 1k endpoint updates/s, end to end (put → kernel map holds it) and from the
/// agent's own histogram; 10k global services × 10 backends; and each map's programming rate next to raw
/// bpf(2) batch updates of the same entries in the same run.
/// </summary>
internal static class NodeAgentBench
{
    public const string LocalCluster = "local";
    public const uint LocalClusterId = 255;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    public static async Task<BenchReport> RunAsync(BenchOptions options)
    {
        if (Environment.GetEnvironmentVariable(AgentBenchChild.Variable) is { Length: > 0 } settings)
        {
            Environment.Exit(await AgentBenchChild.RunAsync(settings));
        }
        var scale = new ScaleSettings(options.Int("clusters", 250), options.Int("nodes", 100), options.Int("identities", 100), options.Int("endpoints", 1000));
        var services = options.Int("services", 10_000);
        var backends = options.Int("backends", 10);
        var rate = options.Int("rate", 1000);
        var seconds = options.Int("seconds", 10);
        if (scale.Clusters > 250 || scale.Nodes > 1000 || scale.Endpoints > 60_000)
        {
            throw new ArgumentException("--clusters <= 250, --nodes <= 1000, --endpoints <= 60000 (each cluster uses 10.<id>.0.0/16)");
        }
        if (Prerequisite.MissingEtcd is { } noEtcd)
        {
            return new BenchReport("node-agent", BenchReport.MachineDescription(), [new BenchRow("skipped", 0, "-", noEtcd)], [$"skipped: {noEtcd}"]);
        }
        var kernel = Prerequisite.MissingBpf is null;
        var rows = new List<BenchRow>();
        var notes = new List<string>
        {
            kernel ? "maps: pinned kernel maps (bpf(2))" : $"maps: userspace (no kernel maps: {Prerequisite.MissingBpf}); no end-to-end latency or raw-rate rows",
            "agent = a child process running AgentHost as `mesh agent` does (same runtime configuration: Server GC); etcd 3.4 on loopback on the same 2 cores",
            "propagation starts once the agent is ready and every reconciler finished its first full reconciliation (steady state)",
        };
        await ScaleAsync(scale, rate, seconds, kernel, rows, notes);
        await ServicesAsync(services, backends, kernel, rows, notes);
        if (kernel)
        {
            MapProgrammingBench.Run(options.Int("programming-rounds", 5), rows, notes);
        }
        return new BenchReport("node-agent", BenchReport.MachineDescription() + ", etcd 3.4 on loopback", rows, notes);
    }

    private static async Task ScaleAsync(ScaleSettings scale, int rate, int seconds, bool kernel, List<BenchRow> rows, List<string> notes)
    {
        await using var etcd = await StartEtcdAsync();
        await using var client = EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = etcd.ClientEndpoints, Qps = 0, BootstrapQps = 0, MaxInflight = 0 });
        var populate = Stopwatch.StartNew();
        await RemoteClusterDataset.PutAllAsync(client, Enumerable.Range(1, scale.Clusters).SelectMany(c =>
            RemoteClusterDataset.Cluster(c, scale.Nodes, scale.Identities, scale.Endpoints)));
        populate.Stop();
        var entries = scale.Clusters * (scale.Endpoints + scale.Nodes);
        notes.Add($"scale: {scale.Clusters} clusters x ({scale.Nodes} nodes, {scale.Identities} identities, {scale.Endpoints} endpoints) written to etcd's cache prefixes in {populate.Elapsed.TotalSeconds:F1} s before the agent starts (not measured)");

        await using var agent = await AgentProcess.StartAsync(etcd, Enumerable.Range(1, scale.Clusters).Select(RemoteClusterDataset.Name), kernel, lbMapMax: Mesh.Bpf.Maps.Layouts.CiliumMaps.DefaultLbMaxEntries, localManifests: null);
        var ready = await agent.WaitReadyAsync(ReadyTimeout);
        var peak = agent.PeakRssBytes();
        var cpu = agent.CpuSeconds();
        var status = await agent.StatusAsync();
        var programmed = TableCount(status, "ipcache");
        rows.Add(new BenchRow($"scale: {scale.Clusters * scale.Endpoints:N0} endpoints + {scale.Clusters * scale.Nodes:N0} nodes -> agent ready", ready.TotalSeconds, "s", $"from process start to /readyz (maps reconciled, {programmed:N0} ipcache rows); goal <= 10 s", ready.TotalSeconds <= 10 && programmed >= entries));
        rows.Add(new BenchRow("scale: agent CPU time until ready", cpu, "s", "user + system of the agent process: the part of the wall time that is its own (2 cores shared with etcd)"));
        rows.Add(new BenchRow("scale: agent peak RSS", peak / 1048576.0, "MiB", "VmHWM of the agent process; goal <= 1024 MiB", peak <= 1L << 30));
        MapRate(rows, status, "cilium_ipcache_v2", kernel ? agent.PinRoot : null, "scale");

        // Steady state first: the one-off full reconciliation (prune) that follows initialization is bootstrap work.
        await agent.SettleAsync(TimeSpan.FromSeconds(20));

        // Propagation at the given rate: distinct endpoints across all clusters get a new identity.
        var updates = rate * seconds;
        using var poller = kernel ? new IpCachePoller(Path.Combine(agent.PinRoot!, "cilium_ipcache_v2")) : null;
        var interval = TimeSpan.FromMilliseconds(10);
        var perTick = Math.Max(1, rate / 100);
        var started = Stopwatch.StartNew();
        var sent = 0;
        var inFlight = new List<Task>(updates);
        while (sent < updates)
        {
            var due = TimeSpan.FromTicks(interval.Ticks * (sent / perTick));
            if (started.Elapsed < due)
            {
                await Task.Delay(due - started.Elapsed);
            }
            // Sent without waiting for the previous ones: the rate holds however long etcd takes to answer.
            for (var i = 0; i < perTick && sent < updates; i++, sent++)
            {
                var cluster = (sent % scale.Clusters) + 1;
                var endpoint = sent / scale.Clusters % scale.Endpoints;
                var pair = RemoteClusterDataset.Endpoint(cluster, endpoint, scale.Nodes, scale.Identities, generation: 1 + sent / (scale.Clusters * scale.Endpoints));
                poller?.Expect(pair.Ip!, pair.Id);
                inFlight.Add(client.PutAsync(new EtcdPutRequest($"{CiliumKeys.CachePrefixFor(CiliumResource.Ips, RemoteClusterDataset.Name(cluster))}/{pair.PrefixString}", IpIdentityPairCodec.Encode(pair))));
            }
        }
        var achieved = updates / started.Elapsed.TotalSeconds;
        await Task.WhenAll(inFlight);
        if (poller is not null)
        {
            var latencies = await poller.FinishAsync(TimeSpan.FromSeconds(30));
            var p50 = Percentile(latencies, 0.5);
            var p99 = Percentile(latencies, 0.99);
            rows.Add(new BenchRow($"propagation end to end p50 ({achieved:N0} updates/s)", p50, "ms", $"etcd put sent -> kernel ipcache entry holds the new identity; {latencies.Count:N0}/{updates:N0} seen"));
            rows.Add(new BenchRow($"propagation end to end p99 ({achieved:N0} updates/s)", p99, "ms", "goal: p99 <= 100 ms", p99 <= 100 && latencies.Count == updates));
        }
        else
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        var propagation = (await agent.StatusAsync())["propagation"]!;
        var agentP99 = propagation["p99-ms"]?.GetValue<double>() ?? double.NaN;
        rows.Add(new BenchRow("propagation in the agent p50", propagation["p50-ms"]?.GetValue<double>() ?? double.NaN, "ms", $"watch event received -> map written, from mesh_agent_clustermesh_propagation_seconds ({propagation["count"]} samples, ~9% bucket resolution)"));
        rows.Add(new BenchRow("propagation in the agent p99", agentP99, "ms", kernel ? "part of the end-to-end figure" : "goal: p99 <= 100 ms", kernel ? null : agentP99 <= 100));
    }

    private static async Task ServicesAsync(int services, int backends, bool kernel, List<BenchRow> rows, List<string> notes)
    {
        await using var etcd = await StartEtcdAsync();
        await using var client = EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = etcd.ClientEndpoints, Qps = 0, BootstrapQps = 0, MaxInflight = 0 });
        await RemoteClusterDataset.PutAllAsync(client, RemoteClusterDataset.Cluster(1, nodes: 1, identities: 1, endpoints: 0, services, backends));
        var lbEntries = services * (backends + 1);
        var lbMapMax = (int)Math.Max(Mesh.Bpf.Maps.Layouts.CiliumMaps.DefaultLbMaxEntries, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(lbEntries + lbEntries / 4)));
        notes.Add($"services: {services:N0} global services in the local manifests, their {backends} backends each in one remote cluster; --bpf-lb-map-max {lbMapMax}");
        await using var agent = await AgentProcess.StartAsync(etcd, [RemoteClusterDataset.Name(1)], kernel, lbMapMax, LocalServices(services));
        var ready = await agent.WaitReadyAsync(ReadyTimeout);
        var cpu = agent.CpuSeconds();
        var status = await agent.StatusAsync();
        var frontends = TableCount(status, "lb-services");
        var programmedBackends = TableCount(status, "lb-backends");
        rows.Add(new BenchRow($"services: {services:N0} x {backends} backends -> agent ready", ready.TotalSeconds, "s", $"from process start to /readyz: {frontends:N0} frontends, {programmedBackends:N0} backends programmed", frontends >= services && programmedBackends >= services * backends));
        rows.Add(new BenchRow("services: agent CPU time until ready", cpu, "s", "user + system of the agent process"));
        rows.Add(new BenchRow("services: agent peak RSS", agent.PeakRssBytes() / 1048576.0, "MiB", "VmHWM of the agent process"));
        MapRate(rows, status, "cilium_lb4_services_v2", kernel ? agent.PinRoot : null, "services");
        MapRate(rows, status, "cilium_lb4_backends_v3", kernel ? agent.PinRoot : null, "services");
    }

    /// <summary>
    /// The agent's programming rate for one map, and (kernel maps) raw batch updates of the same entries into a fresh
    /// map. Both per CPU second of the programming thread: the agent programs while etcd and its own watchers compete
    /// for the two cores, the raw loop runs on a quiet machine, so wall-clock rates would compare the load, not the code.
    /// </summary>
    private static void MapRate(List<BenchRow> rows, JsonNode status, string map, string? pinRoot, string scenario)
    {
        var counters = status["maps"]!.AsArray().First(m => m!["name"]!.GetValue<string>() == map)!;
        var written = counters["written"]!.GetValue<long>();
        var agentRate = counters["entries-per-cpu-second"]!.GetValue<double>();
        var agentWallRate = counters["entries-per-second"]!.GetValue<double>();
        var syscallShare = counters["syscall-cpu-seconds"]!.GetValue<double>() / counters["programming-cpu-seconds"]!.GetValue<double>();
        rows.Add(new BenchRow($"{scenario}: {map} programmed by the agent ({written:N0})", agentRate, "entries/cpu-s", $"encode + unchanged-entry filter + batched bpf(2) ({syscallShare:P0} of it in bpf(2)); {agentWallRate:N0}/s of wall time during bootstrap"));
        if (pinRoot is null)
        {
            return;
        }
        using var pinned = BpfMap.OpenPinned(Path.Combine(pinRoot, map));
        var entries = RawBatchUpdate.Shuffled(pinned.ReadAll(), seed: 42);
        // Three rounds, each into a fresh map: the median damps the run-to-run spread of a shared 2-core VM.
        var rounds = new List<(double Cpu, double Wall)>();
        for (var round = 0; round < 3; round++)
        {
            rounds.Add(RawBatchUpdate.Measure(pinned, entries));
        }
        var rawRate = rounds.Select(r => r.Cpu).Order().ElementAt(1);
        var rawWallRate = rounds.Select(r => r.Wall).Order().ElementAt(1);
        rows.Add(new BenchRow($"{scenario}: {map} raw bpf(2) batch, same {entries.Count:N0} entries", rawRate, "entries/cpu-s", $"BPF_MAP_UPDATE_BATCH of {RawBatchUpdate.Chunk:N0} into an empty map, same run, median of 3 ({BenchStats.List(rounds.Select(r => r.Cpu), "N0")}); {rawWallRate:N0}/s of wall time"));
        rows.Add(new BenchRow($"{scenario}: {map} agent / raw", agentRate / rawRate, "ratio", "the agent busy bootstrapping beside etcd vs a quiet raw loop: see the paired map-programming rows for the goal"));
    }

    private static int TableCount(JsonNode status, string table) => status["tables"]?[table]?.GetValue<int>() ?? 0;

    private static double Percentile(List<double> sorted, double quantile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static Task<EtcdFixture> StartEtcdAsync() =>
        EtcdFixture.StartAsync(new EtcdOptions { ExtraArguments = ["--quota-backend-bytes=8589934592"] });

    /// <summary>Global services <c>bench/svc-N</c> with ClusterIPs from 10.96.0.0/16 and one port named http.</summary>
    private static string LocalServices(int count)
    {
        var text = new StringBuilder(count * 300);
        for (var s = 0; s < count; s++)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                apiVersion: v1
                kind: Service
                metadata:
                  name: svc-{s}
                  namespace: bench
                  annotations:
                    service.cilium.io/global: "true"
                spec:
                  clusterIP: 10.96.{s >> 8}.{s & 255}
                  ports:
                  - name: http
                    port: 80
                    protocol: TCP
                ---

                """);
        }
        return text.ToString();
    }

    private sealed record ScaleSettings(int Clusters, int Nodes, int Identities, int Endpoints);

    /// <summary>An agent child process with its config directory, pinned maps and health port.</summary>
    private sealed class AgentProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _work;
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
        private readonly Stopwatch _since;
        private readonly StringBuilder _output = new();

        private AgentProcess(Process process, string work, string? pinRoot, int port, Stopwatch since)
        {
            _process = process;
            _work = work;
            PinRoot = pinRoot;
            _since = since;
            _http.BaseAddress = new Uri($"http://127.0.0.1:{port}");
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string? PinRoot { get; }

        public static Task<AgentProcess> StartAsync(EtcdFixture etcd, IEnumerable<string> remotes, bool kernel, int lbMapMax, string? localManifests)
        {
            var work = Directory.CreateTempSubdirectory("mesh-agent-bench-").FullName;
            var manifests = Directory.CreateDirectory(Path.Combine(work, "manifests")).FullName;
            if (localManifests is not null)
            {
                File.WriteAllText(Path.Combine(manifests, "services.yaml"), localManifests);
            }
            var meshConfig = Directory.CreateDirectory(Path.Combine(work, "clustermesh")).FullName;
            foreach (var remote in remotes)
            {
                File.WriteAllText(Path.Combine(meshConfig, remote), $"endpoints:\n- {etcd.ClientEndpoint}\n");
            }
            var pinRoot = kernel ? Path.Combine("/sys/fs/bpf", $"mesh-bench-agent-{Environment.ProcessId}") : null;
            if (pinRoot is not null && Directory.Exists(pinRoot))
            {
                Directory.Delete(pinRoot, recursive: true);
            }
            var port = FreeTcpPort.Allocate();
            var self = Environment.ProcessPath!;
            var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                info.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
            }
            info.ArgumentList.Add("node-agent");
            info.Environment[AgentBenchChild.Variable] = AgentBenchChild.Encode(port, manifests, meshConfig, pinRoot, lbMapMax);
            // MESH_AGENT_BENCH_DOTNET_X=v becomes DOTNET_X=v for the agent only (e.g. EventPipe settings to profile it).
            foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
            {
                if (variable.Key is string key && key.StartsWith("MESH_AGENT_BENCH_DOTNET_", StringComparison.Ordinal))
                {
                    info.Environment["DOTNET_" + key["MESH_AGENT_BENCH_DOTNET_".Length..]] = variable.Value as string;
                }
            }
            var since = Stopwatch.StartNew();
            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the agent process");
            return Task.FromResult(new AgentProcess(process, work, pinRoot, port, since));
        }

        /// <summary>Polls <c>/readyz</c> every 10 ms; the time since the process was started.</summary>
        public async Task<TimeSpan> WaitReadyAsync(TimeSpan timeout)
        {
            while (_since.Elapsed < timeout)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"the agent exited with {_process.ExitCode}: {Output}");
                }
                try
                {
                    using var response = await _http.GetAsync(new Uri("/readyz", UriKind.Relative));
                    if (response.IsSuccessStatusCode)
                    {
                        return _since.Elapsed;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                await Task.Delay(10);
            }
            throw new TimeoutException($"the agent was not ready within {timeout}; status: {await StatusTextAsync()}; output: {Output}");
        }

        /// <summary>Waits until every reconciler finished its first full reconciliation (or the timeout), then a second more.</summary>
        public async Task SettleAsync(TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < timeout)
            {
                var reconcilers = (await StatusAsync())["reconcilers"]!.AsArray();
                if (reconcilers.All(r => r!["prunes"]!.GetValue<long>() > 0))
                {
                    break;
                }
                await Task.Delay(100);
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        /// <summary>CPU time the agent used so far (user + system), in seconds.</summary>
        public double CpuSeconds() => ProcessStats.CpuSeconds(_process.Id);

        public async Task<JsonNode> StatusAsync() => JsonNode.Parse(await _http.GetStringAsync(new Uri("/v1/status", UriKind.Relative)))!;

        /// <summary>Peak resident set size so far (VmHWM), in bytes.</summary>
        public long PeakRssBytes() => ProcessStats.PeakRssBytes(_process.Id);

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync();
            _process.Dispose();
            _http.Dispose();
            if (PinRoot is not null && Directory.Exists(PinRoot))
            {
                Directory.Delete(PinRoot, recursive: true);
            }
            Directory.Delete(_work, recursive: true);
        }

        private string Output
        {
            get
            {
                lock (_output)
                {
                    var text = _output.ToString();
                    return text.Length > 4000 ? text[^4000..] : text;
                }
            }
        }

        private async Task<string> StatusTextAsync()
        {
            try
            {
                return (await StatusAsync()).ToJsonString();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return e.Message;
            }
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
