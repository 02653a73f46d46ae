namespace Mesh.NodeAgent.Host.Metrics;

/// <summary>A histogram as Prometheus exports it: cumulative counts per upper bound (the last is +Inf), sum and count.</summary>
public sealed record HistogramSnapshot(IReadOnlyList<double> Bounds, IReadOnlyList<long> Cumulative, double SumSeconds, long Count);
