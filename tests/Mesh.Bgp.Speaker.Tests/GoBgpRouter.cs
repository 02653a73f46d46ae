using System.Text.Json.Nodes;
using Mesh.Testing.Netns;
using Mesh.Testing.Processes;

namespace Mesh.Bgp.Speaker.Tests;

/// <summary>
/// gobgpd inside a test namespace (gRPC API on that namespace's 127.0.0.1:50051, no pprof), config in a temporary
/// folder; driven with the <c>gobgp</c> client run inside the namespace. Killed by PID with the namespace.
/// </summary>
internal sealed class GoBgpRouter : IAsyncDisposable
{
    private readonly NetworkNamespace _ns;
    private readonly string _directory;
    private BackgroundProcess? _process;

    private GoBgpRouter(NetworkNamespace ns, string directory)
    {
        _ns = ns;
        _directory = directory;
    }

    public string Logs => _process?.Output ?? string.Empty;

    public static async Task<GoBgpRouter> StartAsync(NetworkNamespace ns, string toml)
    {
        var router = new GoBgpRouter(ns, Directory.CreateTempSubdirectory("mesh-gobgp-").FullName);
        try
        {
            var file = Path.Combine(router._directory, "gobgpd.toml");
            await File.WriteAllTextAsync(file, toml);
            router._process = ns.StartProcess("gobgpd", "-f", file, "-t", "toml", "-l", "info", "--api-hosts", "127.0.0.1:50051", "--pprof-disable");
            await Poll.UntilAsync(async () => (await router.GobgpAsync("global")).Succeeded, TimeSpan.FromSeconds(20), () => $"gobgpd did not answer: {router.Logs}");
            return router;
        }
        catch
        {
            await router.DisposeAsync();
            throw;
        }
    }

    public Task<ProcessResult> GobgpAsync(params string[] arguments) => _ns.ExecAsync("gobgp", arguments);

    /// <summary>Prefix → first path (JSON) of the neighbor's Adj-RIB-In.</summary>
    public async Task<JsonObject> AdjInAsync(string neighbor, string afi)
    {
        var output = (await GobgpAsync("-j", "neighbor", neighbor, "adj-in", "-a", afi)).EnsureSuccess().StandardOutput;
        return output.Trim().Length == 0 || output.Trim() == "null" ? [] : JsonNode.Parse(output)!.AsObject();
    }

    public async Task<int> SessionStateAsync(string neighbor)
    {
        var result = await GobgpAsync("-j", "neighbor", neighbor);
        return result.Succeeded ? JsonNode.Parse(result.StandardOutput)?["state"]?["session_state"]?.GetValue<int>() ?? 0 : 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(TimeSpan.FromSeconds(5));
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
