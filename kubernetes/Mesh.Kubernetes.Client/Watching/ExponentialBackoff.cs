namespace Mesh.Kubernetes.Client.Watching;

/// <summary>Delays that double per consecutive failure, capped, with up to 20% jitter; reset on success.</summary>
internal sealed class ExponentialBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private TimeSpan _next;

    public ExponentialBackoff(TimeSpan initial, TimeSpan max)
    {
        _initial = initial;
        _max = max;
        _next = initial;
    }

    public TimeSpan Next()
    {
        var delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(_max.Ticks, _next.Ticks * 2));
#pragma warning disable CA5394 // Jitter, not security.
        return delay + TimeSpan.FromTicks((long)(delay.Ticks * 0.2 * Random.Shared.NextDouble()));
#pragma warning restore CA5394
    }

    public void Reset() => _next = _initial;
}
