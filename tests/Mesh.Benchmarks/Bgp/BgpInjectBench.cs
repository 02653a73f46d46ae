using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Mesh.Testing.Netns;
using Mesh.Testing.Processes;

namespace Mesh.Benchmarks.Bgp;

/// <summary>
/// spec/bgp.md B: inject N = 1k/10k/100k IPv4 /24s (shared attributes, and a unique community each) into a session
/// with FRR 8.4 and time until FRR's received count reaches N, then the withdrawal; UPDATEs FRR received and sender
/// CPU seconds. The senders are peered with the same receiver at once and take turns, sample by sample: the Mesh
/// speaker (its own process, driven over stdin), BIRD 2 (static protocol enabled over its control socket) and
/// GoBGP 3.10 (gobgpd driven over its gRPC API).
/// Receiver: FRR bgpd+zebra in r0 (10.0.1.1, AS 65000, deny-all out); senders in n1, AS 65001: Mesh 10.0.1.2,
/// BIRD 10.0.1.3, GoBGP 10.0.1.4.
/// </summary>
internal static class BgpInjectBench
{
    private const string MeshAddress = "10.0.1.2";
    private const string BirdAddress = "10.0.1.3";
    private const string GoBgpAddress = "10.0.1.4";
    private static readonly int[] Sizes = [1_000, 10_000, 100_000];

    private sealed record Sample(double Seconds, double WithdrawSeconds, long Updates, double CpuSeconds);

    public static async Task<BenchReport> RunAsync(BenchOptions options)
    {
        if (Environment.GetEnvironmentVariable(BgpSenderChild.Variable) == "1")
        {
            Environment.Exit(await BgpSenderChild.RunAsync());
        }

        var reps = options.Int("reps", 15);
        var max = options.Int("max", 100_000);
        var sizes = Sizes.Where(n => n <= max).ToArray();
        var work = Directory.CreateTempSubdirectory("mesh-bgp-bench-").FullName;
        var results = new Dictionary<(string Sender, bool Unique, int N), List<Sample>>();
        var notes = new List<string>();
        try
        {
            await using var r0 = await NetworkNamespace.CreateAsync("r0");
            await using var n1 = await NetworkNamespace.CreateAsync("n1");
            await r0.ConnectAsync("eth-n1", n1, "eth-r0");
            await r0.AddAddressAsync("eth-n1", "10.0.1.1/29");
            foreach (var address in new[] { MeshAddress, BirdAddress, GoBgpAddress })
            {
                await n1.AddAddressAsync("eth-r0", address + "/29");
            }

            var run = await StartFrrAsync(r0, work);
            using var vty = new FrrVty(Path.Combine(run, "bgpd.vty"));
            using var zebra = new FrrVty(Path.Combine(run, "zebra.vty"));

            using var mesh = StartMeshChild(n1);
            var birdDirectory = Path.Combine(work, "bird");
            Directory.CreateDirectory(birdDirectory);
            var socket = Path.Combine(birdDirectory, "bird.ctl");
            await WriteBirdConfigAsync(birdDirectory, 0, unique: false);
            var bird = n1.StartProcess("bird", "-f", "-c", Path.Combine(birdDirectory, "bird.conf"), "-s", socket, "-P", Path.Combine(birdDirectory, "bird.pid"));
            using var control = await ConnectBirdAsync(socket, bird);
            GoBgp.GoBgpSender? gobgp = null;
            if (ProcessRunner.FindExecutable("gobgpd") is null)
            {
                notes.Add("GoBGP not measured: gobgpd is not installed");
            }
            else
            {
                gobgp = await GoBgp.GoBgpSender.StartAsync(n1, Path.Combine(work, "gobgp"), GoBgpAddress);
            }

            try
            {
                var senders = new List<SenderUnderTest>
                {
                    new("Mesh", MeshAddress, mesh.Id,
                        (n, unique) =>
                        {
                            Send(mesh, $"prepare {n} {(unique ? "unique" : "shared")}");
                            return Task.CompletedTask;
                        },
                        () => Send(mesh, "add"),
                        () => Send(mesh, "del")),
                    new("BIRD", BirdAddress, bird.Id,
                        async (n, unique) =>
                        {
                            await WriteBirdConfigAsync(birdDirectory, n, unique);
                            control.Command("configure");
                            await WaitAsync(() => control.Command("show protocols bulk4").Contains("down", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "BIRD reconfigured");
                            await WaitAsync(() => vty.Neighbor(BirdAddress) == ("Established", 0), TimeSpan.FromSeconds(60), "BIRD session after configure");
                        },
                        () => control.Command("enable bulk4"),
                        () => control.Command("disable bulk4")),
                };
                if (gobgp is not null)
                {
                    senders.Add(new("GoBGP", GoBgpAddress, gobgp.ProcessId,
                        (n, unique) =>
                        {
                            gobgp.Prepare(n, unique);
                            return Task.CompletedTask;
                        },
                        () => gobgp.AddAsync().GetAwaiter().GetResult(),
                        () => gobgp.WithdrawAllAsync().GetAwaiter().GetResult()));
                }

                foreach (var sender in senders)
                {
                    await WaitAsync(() => vty.Neighbor(sender.Address).State == "Established", TimeSpan.FromSeconds(60), $"{sender.Name} session");
                }

                foreach (var unique in new[] { false, true })
                {
                    foreach (var n in sizes)
                    {
                        foreach (var sender in senders)
                        {
                            await sender.Prepare(n, unique);
                        }

                        // One warm-up round per size (not recorded). The senders take turns within each round, the first
                        // one rotating, so drift of the shared 2-core host or of the receiver hits them alike.
                        for (var rep = -1; rep < reps; rep++)
                        {
                            for (var turn = 0; turn < senders.Count; turn++)
                            {
                                var sender = senders[(turn + Math.Max(rep, 0)) % senders.Count];
                                var sample = Measure(vty, zebra, sender.Address, n, sender.ProcessId, sender.Add, sender.Withdraw);
                                if (rep >= 0)
                                {
                                    Add(results, (sender.Name, unique, n), sample);
                                }
                            }
                        }
                    }
                }
            }
            finally
            {
                mesh.StandardInput.WriteLine("quit");
                await mesh.WaitForExitAsync();
                await bird.StopAsync(TimeSpan.FromSeconds(5));
                if (gobgp is not null)
                {
                    await gobgp.StopAsync();
                    gobgp.Dispose();
                }
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        return Report(results, sizes, reps, notes);
    }

    /// <summary>One sender peered with FRR at its own address: prepares N routes, originates them, withdraws them.</summary>
    private sealed record SenderUnderTest(string Name, string Address, int ProcessId, Func<int, bool, Task> Prepare, Action Add, Action Withdraw);

    private static async Task<BirdControl> ConnectBirdAsync(string socket, BackgroundProcess bird)
    {
        BirdControl? connected = null;
        await WaitAsync(() =>
        {
            try
            {
                connected = new BirdControl(socket);
                return true;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), $"BIRD control socket: {bird.Output}");
        return connected!;
    }

    private static Sample Measure(FrrVty vty, FrrVty zebra, string sender, int n, int pid, Action add, Action withdraw)
    {
        var updates = vty.UpdatesReceived(sender);
        var cpu = ProcessStats.CpuSeconds(pid);
        var watch = Stopwatch.StartNew();
        add();
        Until(() => vty.Neighbor(sender).Received >= n, $"FRR received {n}", () => vty.Neighbor(sender).ToString());
        var seconds = watch.Elapsed.TotalSeconds;
        var cpuUsed = ProcessStats.CpuSeconds(pid) - cpu;
        var updateCount = vty.UpdatesReceived(sender) - updates;
        watch.Restart();
        withdraw();
        Until(() => vty.Neighbor(sender).Received == 0, "FRR withdrew all", () => vty.Neighbor(sender).ToString());
        var withdrawSeconds = watch.Elapsed.TotalSeconds;
        // The next sample starts on a quiet receiver: a fast withdrawal leaves bgpd's route processing and zebra's
        // kernel route deletions running for a while, which would slow whatever comes next.
        Until(() => vty.RibCount() == 0 && zebra.ZebraBgpRoutes() == 0, "FRR's RIB and zebra empty", () => $"rib {vty.RibCount()}, zebra {zebra.ZebraBgpRoutes()}");
        Thread.Sleep(200);
        return new Sample(seconds, withdrawSeconds, updateCount, cpuUsed);
    }

    private static void Until(Func<bool> condition, string what, Func<string> state)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException($"{what}: timed out, FRR: {state()}");
            }

            Thread.Sleep(1);
        }
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{what}: timed out");
            }

            await Task.Delay(50);
        }
    }

    private static void Add(Dictionary<(string, bool, int), List<Sample>> results, (string, bool, int) key, Sample sample)
    {
        if (!results.TryGetValue(key, out var list))
        {
            results[key] = list = [];
        }

        list.Add(sample);
    }

    private static Process StartMeshChild(NetworkNamespace ns)
    {
        var self = Environment.ProcessPath!;
        var arguments = new List<string> { "netns", "exec", ns.Name, self };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            arguments.Add(Assembly.GetExecutingAssembly().Location);
        }

        arguments.Add("bgp-inject");
        var info = new ProcessStartInfo("ip") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The benchmark's runtime configuration is `mesh`'s (Server GC): the child runs as `mesh bgp run` would.
        info.Environment[BgpSenderChild.Variable] = "1";
        var process = Process.Start(info)!;
        if (process.StandardOutput.ReadLine() != "started")
        {
            throw new InvalidOperationException("the Mesh sender did not start");
        }

        return process;
    }

    private static void Send(Process child, string command)
    {
        child.StandardInput.WriteLine(command);
        if (child.StandardOutput.ReadLine() != "ok")
        {
            throw new InvalidOperationException($"the Mesh sender did not answer '{command}'");
        }
    }

    private static async Task<string> StartFrrAsync(NetworkNamespace ns, string work)
    {
        var directory = Path.Combine(work, "frr");
        var run = Path.Combine(directory, "run");
        Directory.CreateDirectory(run);
        await File.WriteAllTextAsync(Path.Combine(directory, "zebra.conf"), "hostname r0\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "bgpd.conf"), """
            hostname r0
            router bgp 65000
             bgp router-id 10.0.0.1
             no bgp ebgp-requires-policy
             no bgp default ipv4-unicast
             neighbor NODES peer-group
             neighbor NODES remote-as external
             neighbor NODES timers 10 30
             neighbor NODES timers connect 2
             neighbor 10.0.1.2 peer-group NODES
             neighbor 10.0.1.3 peer-group NODES
             neighbor 10.0.1.4 peer-group NODES
             address-family ipv4 unicast
              neighbor NODES activate
              neighbor NODES route-map PERF-DENY-ALL out
             exit-address-family
            route-map PERF-DENY-ALL deny 10
            """);
        await ProcessRunner.RunCheckedAsync("chown", "-R", "frr:frr", work);
        await ProcessRunner.RunCheckedAsync("chgrp", "frrvty", run);
        await ProcessRunner.RunCheckedAsync("chmod", "755", work);
        await ProcessRunner.RunCheckedAsync("chmod", "775", run);
        var zserv = Path.Combine(run, "zserv.api");
        string[] common = ["-u", "frr", "-g", "frr", "-P", "0", "--vty_socket", run, "-z", zserv];
        ns.StartProcess("/usr/lib/frr/zebra", [.. common, "-i", Path.Combine(run, "zebra.pid"), "-f", Path.Combine(directory, "zebra.conf"), "-s", "90000000"]);
        await WaitAsync(() => File.Exists(zserv), TimeSpan.FromSeconds(20), "zebra");
        ns.StartProcess("/usr/lib/frr/bgpd", [.. common, "-i", Path.Combine(run, "bgpd.pid"), "-f", Path.Combine(directory, "bgpd.conf")]);
        await WaitAsync(() => File.Exists(Path.Combine(run, "bgpd.vty")), TimeSpan.FromSeconds(20), "bgpd");
        await Task.Delay(200);
        return run;
    }

    private static async Task WriteBirdConfigAsync(string directory, int n, bool unique)
    {
        var routes = new StringBuilder();
        for (var i = 0; i < n; i++)
        {
            var prefix = $"{16 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}.0/24";
            routes.Append("route ").Append(prefix).Append(" blackhole");
            if (unique)
            {
                routes.Append(CultureInfo.InvariantCulture, $" {{ bgp_community.add((65001,{(i % 65535) + 1})); }}");
            }

            routes.Append(";\n");
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "bird.conf"), $$"""
            router id 10.0.1.3;
            protocol device { }
            protocol static bulk4 {
              disabled; ipv4;
            {{routes}}}
            filter to_r0 {
              if source != RTS_STATIC then reject;
              {{(unique ? string.Empty : "bgp_community.add((65001,100));")}}
              accept;
            }
            # strict bind: BIRD listens on its own address only, so gobgpd can listen on 10.0.1.4 in this namespace.
            protocol bgp r0 {
              local 10.0.1.3 as 65001; neighbor 10.0.1.1 as 65000; strict bind yes;
              hold time 30; keepalive time 10; connect retry time 2; connect delay time 1; error wait time 1,10;
              ipv4 { import none; export filter to_r0; };
            }
            """);
    }

    private static BenchReport Report(Dictionary<(string Sender, bool Unique, int N), List<Sample>> results, int[] sizes, int reps, List<string> notes)
    {
        var rows = new List<BenchRow>();
        var spec = new Dictionary<(bool, int), string>
        {
            [(false, 1_000)] = "spec: BIRD 3 ms, GoBGP 75 ms",
            [(false, 10_000)] = "spec: BIRD 16 ms, GoBGP 752 ms",
            [(false, 100_000)] = "spec: BIRD 410 ms, GoBGP 11.39 s",
            [(true, 1_000)] = "spec: BIRD 8 ms, GoBGP 38 ms",
            [(true, 10_000)] = "spec: BIRD 113 ms, GoBGP 662 ms",
            [(true, 100_000)] = "spec: BIRD 1.25 s, GoBGP 8.97 s",
        };
        foreach (var unique in new[] { false, true })
        {
            foreach (var n in sizes)
            {
                var variant = unique ? "unique" : "shared";
                var mesh = results[("Mesh", unique, n)];
                var bird = results[("BIRD", unique, n)];
                var gobgp = results.GetValueOrDefault(("GoBGP", unique, n));
                string GoBgp(Func<Sample, double> value, string format, double scale, string unit) =>
                    gobgp is null ? string.Empty : $"; GoBGP same run {(BenchStats.Median(gobgp.Select(value)) * scale).ToString(format, CultureInfo.InvariantCulture)}{unit}";
                var meshT = BenchStats.Median(mesh.Select(s => s.Seconds)) * 1000;
                var birdT = BenchStats.Median(bird.Select(s => s.Seconds)) * 1000;
                rows.Add(new BenchRow($"inject {n:N0} {variant}: Mesh t_bgp (median of {mesh.Count}, min {mesh.Min(s => s.Seconds) * 1000:F1}, max {mesh.Max(s => s.Seconds) * 1000:F1})", meshT, "ms",
                    $"BIRD same run {birdT:F1} ms (min {bird.Min(s => s.Seconds) * 1000:F1}, max {bird.Max(s => s.Seconds) * 1000:F1}){GoBgp(s => s.Seconds, "F1", 1000, " ms")}; {spec[(unique, n)]}; goal <= BIRD + 1 ms", meshT <= birdT + 1));
                rows.Add(new BenchRow($"inject {n:N0} {variant}: Mesh withdraw", BenchStats.Median(mesh.Select(s => s.WithdrawSeconds)) * 1000, "ms", $"BIRD same run {BenchStats.Median(bird.Select(s => s.WithdrawSeconds)) * 1000:F1} ms{GoBgp(s => s.WithdrawSeconds, "F1", 1000, " ms")}"));
                rows.Add(new BenchRow($"inject {n:N0} {variant}: Mesh UPDATEs", BenchStats.Median(mesh.Select(s => (double)s.Updates)), "msgs", $"BIRD same run {BenchStats.Median(bird.Select(s => (double)s.Updates)):F0}{GoBgp(s => s.Updates, "F0", 1, string.Empty)}"));
                rows.Add(new BenchRow($"inject {n:N0} {variant}: Mesh sender CPU", BenchStats.Median(mesh.Select(s => s.CpuSeconds)), "s", $"BIRD same run {BenchStats.Median(bird.Select(s => s.CpuSeconds)):F2} s{GoBgp(s => s.CpuSeconds, "F2", 1, " s")}"));
            }
        }

        return new BenchReport("bgp-inject", BenchReport.MachineDescription(), rows,
        [
            "receiver FRR 8.4 bgpd+zebra (deny-all out); the three senders are peered at once (10.0.1.2/.3/.4 in one namespace) and take turns: each round samples every sender once, the first one rotating",
            "t_bgp: from the sender being told to originate until FRR's pfxRcd reaches N (vty polled every ~1 ms on one persistent connection)",
            "every sample starts on a quiet receiver: after each withdrawal the bench waits until bgpd's RIB and zebra's BGP routes are empty, then 200 ms",
            "one warm-up round per sender and size is not recorded; Mesh: own process, 4 KB UPDATEs (no extended messages, like BIRD), routes built before t0; BIRD: 'enable bulk4' on its control socket",
            "GoBGP: gobgpd in the same namespace, one gRPC AddPathStream of 1,000-path requests built before t0, withdraw = one DeletePath of the IPv4 unicast family; sender CPU = gobgpd's",
            .. notes,
        ]);
    }
}
