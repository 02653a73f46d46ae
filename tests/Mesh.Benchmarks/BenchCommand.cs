using System.Text.Json;
using Mesh.Benchmarks.Bgp;
using Mesh.Benchmarks.KvStore;

namespace Mesh.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Mesh.Benchmarks -- &lt;bench&gt; [options]</c>: end-to-end benchmarks that
/// print a table and write JSON to .artifacts/bench/&lt;bench&gt;.json, each next to the reference it is judged by.
/// </summary>
internal static class BenchCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        var name = args.FirstOrDefault();
        var options = BenchOptions.Parse(args.Skip(1).ToArray());
        BenchReport report;
        switch (name)
        {
            case "kvstore":
                report = await KvStoreBench.RunAsync(options);
                break;
            case "apiserver-bootstrap":
                report = await ClusterMesh.ApiserverBootstrapBench.RunAsync(options);
                break;
            case "bgp-fuzz":
                report = BgpFuzzBench.Run(options);
                break;
            case "bgp-inject":
                report = await BgpInjectBench.RunAsync(options);
                break;
            case "statedb":
                report = StateDb.StateDbBench.Run(options);
                break;
            case "bpf-maps":
                report = Bpf.BpfMapsBench.Run(options);
                break;
            case "policy":
                report = Policy.PolicyBench.Run(options);
                break;
            case "node-agent":
                report = await NodeAgent.NodeAgentBench.RunAsync(options);
                break;
            case "map-programming":
                report = NodeAgent.MapProgrammingBench.RunAlone(options);
                break;
            case "datapath":
                report = await Datapath.DatapathBench.RunAsync(options);
                break;
            default:
                await Console.Error.WriteLineAsync("usage: Mesh.Benchmarks kvstore [--keys N] [--rounds N] [--rate N] [--seconds N] | apiserver-bootstrap [--identities N] [--endpoints N] [--services N] [--rounds N] | bgp-fuzz [--inputs N] | bgp-inject [--reps N] [--max N] | statedb | bpf-maps [--lb N] [--ipcache N] | node-agent [--clusters N] [--nodes N] [--identities N] [--endpoints N] [--services N] [--backends N] [--rate N] [--seconds N] [--programming-rounds N] | map-programming [--rounds N] [--maps ipcache,backends,services] | datapath [--repeat N] [--new-repeat N] [--seconds N] [--rounds N]");
                return 2;
        }
        report.Print(Console.Out);
        var directory = Path.Combine(Mesh.Testing.RepositoryRoot.Find(), ".artifacts", "bench");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{name}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(report, Json));
        Console.WriteLine($"wrote {file}");
        return report.Passed ? 0 : 1;
    }
}
