namespace Mesh.NodeAgent.Host.Metrics;

/// <summary>Remote change → map write latency so far: quantiles from the fine histogram, marks still open and dropped.</summary>
public sealed record PropagationSummary(long Count, TimeSpan? P50, TimeSpan? P90, TimeSpan? P99, TimeSpan? Max, int Pending, long Dropped, HistogramSnapshot Buckets)
{
    public static PropagationSummary From(PropagationTracker tracker)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        var latency = tracker.Latency;
        return new PropagationSummary(latency.Count, latency.Quantile(0.5), latency.Quantile(0.9), latency.Quantile(0.99), latency.Quantile(1), tracker.Pending, tracker.Dropped, latency.Snapshot());
    }
}
