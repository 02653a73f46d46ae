namespace Mesh.NodeAgent.Host.Metrics;

/// <summary>
/// A lock-free latency histogram with two views: Prometheus' cumulative buckets for <c>/metrics</c>, and fine
/// log-scale buckets (each about 9% wide) so quantiles in status and benchmarks are accurate to a few percent.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Upper bounds, in seconds, of the buckets exported to Prometheus.</summary>
    public static readonly double[] PrometheusBounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    // Fine buckets: 8 per doubling from 1 µs; the last one takes everything above ~70 min.
    private const int StepsPerDoubling = 8;
    private const double FineOrigin = 1e-6;
    private const int FineCount = 32 * StepsPerDoubling;

    private readonly long[] _coarse = new long[PrometheusBounds.Length + 1];
    private readonly long[] _fine = new long[FineCount];
    private long _count;
    private long _sumNanoseconds;

    public long Count => Interlocked.Read(ref _count);

    public void Observe(TimeSpan latency)
    {
        var seconds = Math.Max(0, latency.TotalSeconds);
        var coarse = Array.BinarySearch(PrometheusBounds, seconds);
        Interlocked.Increment(ref _coarse[coarse >= 0 ? coarse : ~coarse]);
        Interlocked.Increment(ref _fine[FineIndex(seconds)]);
        Interlocked.Add(ref _sumNanoseconds, (long)(seconds * 1e9));
        Interlocked.Increment(ref _count);
    }

    /// <summary>The latency below which <paramref name="quantile"/> of the observations fall (upper edge of its bucket), or null when empty.</summary>
    public TimeSpan? Quantile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        var counts = new long[FineCount];
        long total = 0;
        for (var i = 0; i < FineCount; i++)
        {
            counts[i] = Interlocked.Read(ref _fine[i]);
            total += counts[i];
        }
        if (total == 0)
        {
            return null;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < FineCount; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return TimeSpan.FromSeconds(FineUpperBound(i));
            }
        }
        return TimeSpan.FromSeconds(FineUpperBound(FineCount - 1));
    }

    /// <summary>Cumulative counts per <see cref="PrometheusBounds"/> entry (then +Inf), the sum in seconds and the count.</summary>
    public HistogramSnapshot Snapshot()
    {
        var cumulative = new long[_coarse.Length];
        long running = 0;
        for (var i = 0; i < _coarse.Length; i++)
        {
            running += Interlocked.Read(ref _coarse[i]);
            cumulative[i] = running;
        }
        return new HistogramSnapshot(PrometheusBounds, cumulative, Interlocked.Read(ref _sumNanoseconds) / 1e9, running);
    }

    private static int FineIndex(double seconds)
    {
        if (seconds <= FineOrigin)
        {
            return 0;
        }
        var index = (int)Math.Ceiling(Math.Log2(seconds / FineOrigin) * StepsPerDoubling);
        return Math.Clamp(index, 0, FineCount - 1);
    }

    private static double FineUpperBound(int index) => FineOrigin * Math.Pow(2, (double)index / StepsPerDoubling);
}
