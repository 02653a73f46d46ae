using System.Globalization;
using System.Net;
using System.Text.Json;
using Mesh.Bpf.Loader;
using Mesh.Testing.Netns;
using Mesh.Testing.Processes;

namespace Mesh.Benchmarks.Datapath;

/// <summary>
/// iperf3 between two pod namespaces on a node namespace (veth pairs lxcclient / lxcbackend, routed by the node):
/// rounds of "client -> backend IP, no programs" then "client -> VIP, mesh_lxc.o on both host-side veths".
/// Namespaces (with the iperf3 server in them), maps and the pin directory go in every case.
/// </summary>
internal static class DatapathIperf
{
    private const ushort Port = 5201;
    private const uint ClientIdentity = 20001;
    private const uint BackendIdentity = 20002;
    private static readonly IPAddress Vip = IPAddress.Parse("10.96.0.20");
    private static readonly IPAddress ClientIp = IPAddress.Parse("10.1.1.2");
    private static readonly IPAddress BackendIp = IPAddress.Parse("10.1.2.2");

    public static async Task RunAsync(List<BenchRow> rows, List<string> notes, int seconds, int rounds)
    {
        var pins = Path.Combine("/sys/fs/bpf", $"mesh-bench-datapath-{Environment.ProcessId}");
        var namespaces = new List<NetworkNamespace>();
        var maps = new BenchMaps();
        BpfObject? clientDatapath = null;
        BpfObject? backendDatapath = null;
        try
        {
            var node = await Add(namespaces, "node");
            var client = await Add(namespaces, "client");
            var backend = await Add(namespaces, "backend");
            await node.ExecCheckedAsync("sysctl", "-qw", "net.ipv4.ip_forward=1");
            foreach (var (pod, device, gateway, address) in new[] { (client, "lxcclient", "10.1.1.1", ClientIp), (backend, "lxcbackend", "10.1.2.1", BackendIp) })
            {
                await node.ConnectAsync(device, pod, "eth0");
                await node.AddAddressAsync(device, $"{gateway}/24");
                await pod.AddAddressAsync("eth0", $"{address}/24");
                await pod.IpAsync("route", "add", "default", "via", gateway);
            }
            backend.StartProcess("iperf3", "-s", "-p", Port.ToString(CultureInfo.InvariantCulture));
            await WaitListeningAsync(backend);

            maps.AddService(Vip, Port, 2, (BackendIp, Port));
            maps.AddIdentity(ClientIp, 32, ClientIdentity);
            maps.AddIdentity(BackendIp, 32, BackendIdentity);
            var clientPolicy = maps.Policy(1);
            var backendPolicy = maps.Policy(2);
            BenchMaps.Allow(clientPolicy, BackendIdentity, egress: true, Port);
            BenchMaps.Allow(backendPolicy, ClientIdentity, egress: false, Port);
            Directory.CreateDirectory(pins);
            // LB, ipcache and policy maps are the bench's; mesh_ct4 and mesh_drops are shared through pins, as the agent does.
            clientDatapath = BpfObject.Load(DatapathBench.ObjectPath, new BpfObjectOptions { Maps = maps.For(clientPolicy), PinDirectory = pins });
            backendDatapath = BpfObject.Load(DatapathBench.ObjectPath, new BpfObjectOptions { Maps = maps.For(backendPolicy), PinDirectory = pins });
            var nodePath = $"/run/netns/{node.Name}";

            var direct = new List<double>();
            var viaVip = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                direct.Add(await IperfAsync(client, BackendIp, seconds));
                await Attach(nodePath, ("lxcclient", clientDatapath), ("lxcbackend", backendDatapath));
                try
                {
                    viaVip.Add(await IperfAsync(client, Vip, seconds));
                }
                finally
                {
                    await Detach(nodePath, "lxcclient", "lxcbackend");
                }
            }
            var directMedian = BenchStats.Median(direct);
            var vipMedian = BenchStats.Median(viaVip);
            var ratio = vipMedian / directMedian;
            rows.Add(new BenchRow("iperf3 client -> backend IP, no programs", directMedian / 1e9, "Gbit/s", $"median of {rounds} x {seconds} s: {BenchStats.List(direct.Select(v => v / 1e9), "F2")}"));
            rows.Add(new BenchRow("iperf3 client -> VIP, mesh_lxc.o attached", vipMedian / 1e9, "Gbit/s", $"median of {rounds} x {seconds} s: {BenchStats.List(viaVip.Select(v => v / 1e9), "F2")}"));
            rows.Add(new BenchRow("iperf3 VIP / direct", ratio, "x", "goal >= 0.9 (same run, rounds alternate)", ratio >= 0.9));
            notes.Add("iperf3: one TCP stream, client and backend namespaces behind veth pairs routed by a node namespace; veth offloads (TSO/GSO, checksum offload) left at their defaults for both runs.");
            notes.Add("VIP run: mesh_from_container on tc ingress and mesh_to_container on tc egress of both host-side veths; the VIP's only backend is the iperf3 server; policy allows the client's identity on the port.");
        }
        finally
        {
            clientDatapath?.Dispose();
            backendDatapath?.Dispose();
            maps.Dispose();
            for (var i = namespaces.Count - 1; i >= 0; i--)
            {
                await namespaces[i].DisposeAsync();
            }
            if (Directory.Exists(pins))
            {
                Directory.Delete(pins, recursive: true);
            }
        }
    }

    private static async Task<NetworkNamespace> Add(List<NetworkNamespace> namespaces, string purpose)
    {
        var ns = await NetworkNamespace.CreateAsync(purpose);
        namespaces.Add(ns);
        return ns;
    }

    private static Task<bool> Attach(string nodePath, params (string Device, BpfObject Datapath)[] endpoints) =>
        NetworkNamespaceThread.RunAsync(nodePath, () =>
        {
            foreach (var (device, datapath) in endpoints)
            {
                var index = TcAttachment.InterfaceIndex(device) ?? throw new InvalidOperationException($"no interface {device} in the node namespace");
                TcAttachment.Attach(index, TcDirection.Ingress, datapath.Program("mesh_from_container"));
                TcAttachment.Attach(index, TcDirection.Egress, datapath.Program("mesh_to_container"));
            }
            return true;
        });

    private static Task<bool> Detach(string nodePath, params string[] devices) =>
        NetworkNamespaceThread.RunAsync(nodePath, () =>
        {
            foreach (var device in devices)
            {
                if (TcAttachment.InterfaceIndex(device) is { } index)
                {
                    TcAttachment.Detach(index, TcDirection.Ingress);
                    TcAttachment.Detach(index, TcDirection.Egress);
                }
            }
            return true;
        });

    private static async Task WaitListeningAsync(NetworkNamespace backend)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var listening = await backend.ExecAsync("ss", "-Hltn", $"sport = :{Port}");
            if (listening.Succeeded && !string.IsNullOrWhiteSpace(listening.StandardOutput))
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"iperf3 -s did not listen on :{Port} in the backend namespace within 15 s");
    }

    /// <summary>One iperf3 run from the client namespace; the receiver's bits per second.</summary>
    private static async Task<double> IperfAsync(NetworkNamespace client, IPAddress target, int seconds)
    {
        var result = await ProcessRunner.RunAsync(
            "ip",
            ["netns", "exec", client.Name, "iperf3", "-c", target.ToString(), "-p", Port.ToString(CultureInfo.InvariantCulture), "-t", seconds.ToString(CultureInfo.InvariantCulture), "-J", "--connect-timeout", "3000"],
            timeout: TimeSpan.FromSeconds(seconds + 30));
        double? bits = null;
        string? error = null;
        try
        {
            using var json = JsonDocument.Parse(result.StandardOutput);
            if (json.RootElement.TryGetProperty("error", out var e))
            {
                error = e.GetString();
            }
            else
            {
                bits = json.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble();
            }
        }
        catch (JsonException e)
        {
            error = e.Message;
        }
        if (result.ExitCode != 0 || bits is not > 0)
        {
            throw new InvalidOperationException($"iperf3 to {target} failed (exit {result.ExitCode}): {error ?? result.StandardError}");
        }
        // The server takes a moment to accept the next test.
        await Task.Delay(200);
        return bits.Value;
    }

}
