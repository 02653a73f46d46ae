using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Mesh.Benchmarks.StateDb;

/// <summary>
/// <c>statedb</c>: BenchmarkDotNet micro-benchmarks of the state tables (short in-process job), reported with the
/// node agent's goals: a 10k-row write transaction well under 50 ms, a primary-key lookup well under 1 µs.
/// </summary>
internal static class StateDbBench
{
    private const double TransactionGoalNs = 50_000_000;
    private const double LookupGoalNs = 1_000;

    public static BenchReport Run(BenchOptions options)
    {
        _ = options;
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.DisableLogFile);
        var summaries = BenchmarkRunner.Run([typeof(TableBenchmarks), typeof(ChangeBenchmarks)], config);
        var rows = new List<BenchRow>();
        var notes = new List<string> { "table of 250,000 endpoint rows with 2 secondary indexes (node: 1000 keys, ip: unique); BenchmarkDotNet ShortRun in-process" };
        foreach (var summary in summaries)
        {
            foreach (var report in summary.Reports)
            {
                rows.AddRange(Describe(report));
            }
        }
        return new BenchReport("statedb", BenchReport.MachineDescription(), rows, notes);
    }

    private static IEnumerable<BenchRow> Describe(BenchmarkReport report)
    {
        var name = report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'');
        if (report.ResultStatistics is not { } statistics)
        {
            yield return new BenchRow(name, double.NaN, "ns/op", "did not run", false);
            yield break;
        }
        var (reference, met) = report.BenchmarkCase.Descriptor.WorkloadMethod.Name switch
        {
            nameof(TableBenchmarks.InsertBatch) => ("goal: well under 50 ms", statistics.Mean < TransactionGoalNs),
            nameof(TableBenchmarks.LookupPrimary) => ("goal: well under 1 µs", statistics.Mean < LookupGoalNs),
            _ => ("-", (bool?)null),
        };
        yield return new BenchRow(name, statistics.Mean, "ns/op", reference, met);
        var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
        yield return new BenchRow($"{name} alloc", allocated ?? double.NaN, "B/op", "-");
    }
}
