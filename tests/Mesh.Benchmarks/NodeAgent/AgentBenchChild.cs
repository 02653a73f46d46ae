using Mesh.NodeAgent.Host;
using Microsoft.Extensions.Logging;

namespace Mesh.Benchmarks.NodeAgent;

/// <summary>
/// The agent under test in <see cref="NodeAgentBench"/>, run as its own process so its start-up, CPU time and peak
/// RSS are its own: exactly what <c>mesh agent</c> runs, configured through one environment variable.
/// </summary>
internal static class AgentBenchChild
{
    public const string Variable = "MESH_AGENT_BENCH_CHILD";

    /// <summary>Encodes the child's settings: health port, manifests, clustermesh config dir, pin root (empty = userspace maps), LB map size.</summary>
    public static string Encode(int port, string manifests, string clusterMesh, string? pinRoot, int lbMapMax) =>
        string.Join('|', port, manifests, clusterMesh, pinRoot ?? string.Empty, lbMapMax);

    public static async Task<int> RunAsync(string settings)
    {
        var parts = settings.Split('|');
        var pinRoot = parts[3].Length == 0 ? null : parts[3];
        var options = new AgentHostOptions
        {
            Agent = new NodeAgentOptions
            {
                NodeName = "bench-node",
                ClusterName = NodeAgentBench.LocalCluster,
                ClusterId = NodeAgentBench.LocalClusterId,
                LbMapMaxEntries = int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture),
            },
            ManifestsDirectory = parts[1],
            ClusterMeshConfigDirectory = parts[2],
            BpfRoot = pinRoot,
            BpfOff = pinRoot is null,
            HealthPort = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
        };
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        return await AgentHost.RunAsync(options, loggers, urls => Console.Out.WriteLine($"serving {urls}"), stop.Token);
    }
}
