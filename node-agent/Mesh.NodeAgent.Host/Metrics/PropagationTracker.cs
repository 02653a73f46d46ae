using System.Collections.Concurrent;

namespace Mesh.NodeAgent.Host.Metrics;

/// <summary>
/// Time from a remote cluster's kvstore change reaching the agent to the map write it caused, keyed by what the
/// change is about (an ipcache prefix, a service name). The first change of a key starts its clock; the first map
/// write for that key stops it. A change that leads to no write (the same value again, a lower-precedence claim)
/// leaves a mark that is dropped after <see cref="StaleAfter"/> instead of skewing a later sample.
/// </summary>
public sealed class PropagationTracker
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<object, long> _pending = new();
    private readonly TimeProvider _time;
    private long _dropped;
    private int _outstanding;
    private long _lastSweep;

    public PropagationTracker(TimeProvider time)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _lastSweep = time.GetTimestamp();
    }

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Changes whose map write never came (nothing to write, or slower than <see cref="StaleAfter"/>).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public int Pending => Volatile.Read(ref _outstanding);

    /// <summary>A change for <paramref name="key"/> arrived; an earlier unwritten one keeps its (older) start.</summary>
    public void Received(object key)
    {
        var now = _time.GetTimestamp();
        if (_pending.TryAdd(key, now))
        {
            Interlocked.Increment(ref _outstanding);
        }
        if (_time.GetElapsedTime(Interlocked.Read(ref _lastSweep), now) > StaleAfter)
        {
            Sweep(now);
        }
    }

    /// <summary>The map now holds the state for <paramref name="key"/>.</summary>
    public void Programmed(object key)
    {
        // Cheap when nothing is outstanding: bootstrap writes hundreds of thousands of entries.
        if (Volatile.Read(ref _outstanding) > 0 && _pending.TryRemove(key, out var start))
        {
            Interlocked.Decrement(ref _outstanding);
            Latency.Observe(_time.GetElapsedTime(start));
        }
    }

    private void Sweep(long now)
    {
        Interlocked.Exchange(ref _lastSweep, now);
        foreach (var (key, start) in _pending)
        {
            if (_time.GetElapsedTime(start, now) > StaleAfter && _pending.TryRemove(new KeyValuePair<object, long>(key, start)))
            {
                Interlocked.Decrement(ref _outstanding);
                Interlocked.Increment(ref _dropped);
            }
        }
    }
}
