using System.Globalization;
using System.Text.RegularExpressions;
using Mesh.Testing.Netns;
using Mesh.Testing.Processes;

namespace Mesh.Bgp.Speaker.Tests;

/// <summary>
/// BIRD 2 in the foreground inside a test namespace, with its config, control socket and pid file in a temporary
/// folder. The process belongs to the namespace (killed by PID when it is disposed); the folder is removed here.
/// </summary>
internal sealed partial class BirdRouter : IAsyncDisposable
{
    private readonly string _directory;
    private BackgroundProcess? _process;

    private BirdRouter(string directory) => _directory = directory;

    private string Socket => Path.Combine(_directory, "bird.ctl");

    public string Logs => _process?.Output ?? string.Empty;

    public static async Task<BirdRouter> StartAsync(NetworkNamespace ns, string config)
    {
        var router = new BirdRouter(Directory.CreateTempSubdirectory("mesh-bird-").FullName);
        try
        {
            var file = Path.Combine(router._directory, "bird.conf");
            await File.WriteAllTextAsync(file, config);
            router._process = ns.StartProcess("bird", "-f", "-c", file, "-s", router.Socket, "-P", Path.Combine(router._directory, "bird.pid"));
            await Poll.UntilAsync(async () => (await router.BirdcAsync("show status")).Succeeded, TimeSpan.FromSeconds(20), () => $"bird did not answer: {router.Logs}");
            return router;
        }
        catch
        {
            await router.DisposeAsync();
            throw;
        }
    }

    /// <summary>birdc against this instance's control socket (a filesystem unix socket: works from any namespace).</summary>
    public Task<ProcessResult> BirdcAsync(string command) =>
        ProcessRunner.RunAsync("birdc", ["-s", Socket, .. command.Split(' ')], timeout: TimeSpan.FromSeconds(30));

    public async Task<string> ShowAsync(string command) => (await BirdcAsync(command)).EnsureSuccess().StandardOutput;

    /// <summary>Routes BIRD holds from <paramref name="protocol"/> ("N of M routes ...").</summary>
    public async Task<int> RouteCountAsync(string protocol)
    {
        var output = await ShowAsync($"show route protocol {protocol} count");
        var match = CountPattern().Match(output);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    public async Task<bool> EstablishedAsync(string protocol) =>
        (await ShowAsync($"show protocols {protocol}")).Contains("Established", StringComparison.Ordinal);

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

    [GeneratedRegex(@"(\d+) of \d+ routes")]
    private static partial Regex CountPattern();
}
