namespace Mesh.KvStore.Etcd.Limits;

/// <summary>
/// Cilium's client-side etcd limits: a token bucket of <c>qps</c> (burst = qps), a separate bootstrap rate until
/// the initial sync is done, and a cap on requests in flight. 0 means unlimited.
/// </summary>
internal sealed class EtcdRateLimiter : IDisposable
{
    private readonly SemaphoreSlim? _inflight;
    private readonly TimeProvider _timeProvider;
    private readonly double _qps;
    private readonly Lock _lock = new();
    private double _rate;
    private double _tokens;
    private long _lastRefill;

    public EtcdRateLimiter(double bootstrapQps, double qps, int maxInflight, TimeProvider timeProvider)
    {
        _qps = qps;
        _rate = bootstrapQps;
        _tokens = Math.Max(1, bootstrapQps);
        _timeProvider = timeProvider;
        _lastRefill = timeProvider.GetTimestamp();
        _inflight = maxInflight > 0 ? new SemaphoreSlim(maxInflight, maxInflight) : null;
    }

    public double CurrentQps
    {
        get
        {
            lock (_lock)
            {
                return _rate;
            }
        }
    }

    public int InflightAvailable => _inflight?.CurrentCount ?? int.MaxValue;

    public void MarkInitialSyncDone()
    {
        lock (_lock)
        {
            Refill();
            _rate = _qps;
            _tokens = Math.Min(_tokens, Math.Max(1, _qps));
        }
    }

    /// <summary>Waits for a rate token and an in-flight slot; dispose the result to free the slot.</summary>
    public async ValueTask<Permit> AcquireAsync(CancellationToken cancellationToken)
    {
        if (_inflight is not null)
        {
            await _inflight.WaitAsync(cancellationToken);
        }
        try
        {
            while (TryTakeToken() is { } wait)
            {
                await Task.Delay(wait, _timeProvider, cancellationToken);
            }
            return new Permit(_inflight);
        }
        catch
        {
            _inflight?.Release();
            throw;
        }
    }

    public void Dispose() => _inflight?.Dispose();

    /// <summary>Null when a token was taken, else the time until one is available.</summary>
    private TimeSpan? TryTakeToken()
    {
        lock (_lock)
        {
            if (_rate <= 0)
            {
                return null;
            }
            Refill();
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return null;
            }
            return TimeSpan.FromSeconds((1 - _tokens) / _rate);
        }
    }

    private void Refill()
    {
        var now = _timeProvider.GetTimestamp();
        var elapsed = _timeProvider.GetElapsedTime(_lastRefill, now);
        _lastRefill = now;
        if (_rate > 0)
        {
            _tokens = Math.Min(Math.Max(1, _rate), _tokens + (elapsed.TotalSeconds * _rate));
        }
    }

    /// <summary>An in-flight slot.</summary>
    public readonly struct Permit : IDisposable
    {
        private readonly SemaphoreSlim? _inflight;

        public Permit(SemaphoreSlim? inflight) => _inflight = inflight;

        public void Dispose() => _inflight?.Release();
    }
}
