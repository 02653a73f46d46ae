namespace Mesh.Benchmarks;

/// <summary>One measured figure; <see cref="GoalMet"/> is null where no goal applies.</summary>
internal sealed record BenchRow(string Metric, double Value, string Unit, string Reference, bool? GoalMet = null);
