using System.Text.Json.Nodes;
using Mesh.Testing.Netns;
using Mesh.Testing.Processes;

namespace Mesh.Bgp.Speaker.Tests;

/// <summary>
/// FRR zebra + bgpd running in the foreground inside a test namespace with private paths (config, pid files,
/// vty and zserv sockets under a temporary folder; nothing in /etc/frr). The daemons drop privileges to
/// user frr, so the folder is owned by frr and the vty folder by group frrvty (as in the reference lab).
/// The processes belong to the namespace and are killed when it is disposed; the folder is removed here.
/// </summary>
internal sealed class FrrRouter : IAsyncDisposable
{
    private const string FrrBin = "/usr/lib/frr";
    private readonly string _directory;
    private readonly List<BackgroundProcess> _daemons = [];

    private FrrRouter(string directory) => _directory = directory;

    private string RunDirectory => Path.Combine(_directory, "run");

    public string Logs =>
        string.Join("\n", _daemons.Select(d => d.Output)) + "\n" + ReadIfExists(Path.Combine(_directory, "bgpd.log"));

    public static async Task<FrrRouter> StartAsync(NetworkNamespace ns, string bgpdConfig)
    {
        var directory = Directory.CreateTempSubdirectory("mesh-frr-").FullName;
        var router = new FrrRouter(directory);
        try
        {
            Directory.CreateDirectory(router.RunDirectory);
            await File.WriteAllTextAsync(Path.Combine(directory, "zebra.conf"), "hostname r0\n");
            await File.WriteAllTextAsync(Path.Combine(directory, "bgpd.conf"), $"hostname r0\nlog file {directory}/bgpd.log informational\n{bgpdConfig}");
            await ProcessRunner.RunCheckedAsync("chown", "-R", "frr:frr", directory);
            await ProcessRunner.RunCheckedAsync("chgrp", "frrvty", router.RunDirectory);
            await ProcessRunner.RunCheckedAsync("chmod", "750", directory);
            await ProcessRunner.RunCheckedAsync("chmod", "775", router.RunDirectory);

            var zserv = Path.Combine(router.RunDirectory, "zserv.api");
            string[] common = ["-u", "frr", "-g", "frr", "-P", "0", "--vty_socket", router.RunDirectory, "-z", zserv];
            router._daemons.Add(ns.StartProcess($"{FrrBin}/zebra",
                [.. common, "-i", Path.Combine(router.RunDirectory, "zebra.pid"), "-f", Path.Combine(directory, "zebra.conf"), "-s", "90000000"]));
            await Poll.UntilAsync(() => File.Exists(zserv), TimeSpan.FromSeconds(20), () => $"zebra did not create {zserv}: {router.Logs}");
            router._daemons.Add(ns.StartProcess($"{FrrBin}/bgpd",
                [.. common, "-i", Path.Combine(router.RunDirectory, "bgpd.pid"), "-f", Path.Combine(directory, "bgpd.conf")]));
            await Poll.UntilAsync(
                async () => (await router.VtyshAsync("show bgp summary json")).Succeeded,
                TimeSpan.FromSeconds(20), () => $"bgpd vty did not answer: {router.Logs}");
            return router;
        }
        catch
        {
            await router.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs vtysh against this router's private vty sockets (works from any namespace: unix sockets).</summary>
    public Task<ProcessResult> VtyshAsync(params string[] commands) =>
        ProcessRunner.RunAsync("vtysh", ["--vty_socket", RunDirectory, .. commands.SelectMany(c => new[] { "-c", c })], timeout: TimeSpan.FromSeconds(30));

    public async Task<JsonNode> JsonAsync(string command)
    {
        var result = (await VtyshAsync(command)).EnsureSuccess();
        return JsonNode.Parse(result.StandardOutput) ?? throw new InvalidOperationException($"'{command}' returned no JSON");
    }

    /// <summary>The neighbor's state and received prefix count from <c>show bgp ipv4|ipv6 unicast summary json</c>.</summary>
    public async Task<(string State, int PrefixesReceived)> NeighborAsync(string address)
    {
        var afi = address.Contains(':', StringComparison.Ordinal) ? "ipv6" : "ipv4";
        var summary = await JsonAsync($"show bgp {afi} unicast summary json");
        var peer = summary["peers"]?[address];
        return peer is null
            ? ("absent", 0)
            : (peer["state"]?.GetValue<string>() ?? "?", peer["pfxRcd"]?.GetValue<int>() ?? 0);
    }

    public async ValueTask DisposeAsync()
    {
        // Stop (not dispose): the namespace owns the processes and disposes them after this.
        foreach (var daemon in Enumerable.Reverse(_daemons))
        {
            await daemon.StopAsync(TimeSpan.FromSeconds(5));
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a daemon killed mid-write may still hold a file for a moment.
        }
    }

    private static string ReadIfExists(string path) => File.Exists(path) ? File.ReadAllText(path) : string.Empty;
}
