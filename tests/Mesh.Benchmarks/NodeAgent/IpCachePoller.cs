using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Mesh.Bpf;
using Mesh.Bpf.Maps.Layouts;

namespace Mesh.Benchmarks.NodeAgent;

/// <summary>
/// Watches the agent's pinned ipcache map from outside: each expected (IP, identity) is looked up in a tight loop
/// on its own thread until the map holds it, giving the end-to-end latency from just before the etcd put.
/// </summary>
internal sealed class IpCachePoller : IDisposable
{
    private readonly BpfMap _map;
    private readonly ConcurrentQueue<(byte[] Key, uint Identity, long Start)> _incoming = new();
    private readonly List<double> _latencies = [];
    private readonly Thread _thread;
    private volatile bool _stop;
    private int _outstanding;

    public IpCachePoller(string pinnedPath)
    {
        _map = BpfMap.OpenPinned(pinnedPath);
        _thread = new Thread(Poll) { IsBackground = true, Name = "ipcache-poller" };
        _thread.Start();
    }

    public void Expect(IPAddress ip, uint identity)
    {
        var key = new byte[IpCacheKey.ByteSize];
        IpCacheKey.Host(ip).Write(key);
        Interlocked.Increment(ref _outstanding);
        _incoming.Enqueue((key, identity, Stopwatch.GetTimestamp()));
    }

    /// <summary>Waits until every expectation was seen (or the timeout), then returns the latencies in ms, sorted.</summary>
    public async Task<List<double>> FinishAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (Volatile.Read(ref _outstanding) > 0 && watch.Elapsed < timeout)
        {
            await Task.Delay(20);
        }
        _stop = true;
        _thread.Join();
        lock (_latencies)
        {
            _latencies.Sort();
            return [.. _latencies];
        }
    }

    public void Dispose()
    {
        _stop = true;
        if (_thread.IsAlive)
        {
            _thread.Join();
        }
        _map.Dispose();
    }

    private void Poll()
    {
        var pending = new List<(byte[] Key, uint Identity, long Start)>();
        var value = new byte[IpCacheValue.ByteSize];
        while (!_stop)
        {
            while (_incoming.TryDequeue(out var item))
            {
                pending.Add(item);
            }
            for (var i = pending.Count - 1; i >= 0; i--)
            {
                var (key, identity, start) = pending[i];
                if (_map.TryLookup(key, value) && IpCacheValue.Read(value).Identity == identity)
                {
                    var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    lock (_latencies)
                    {
                        _latencies.Add(ms);
                    }
                    pending[i] = pending[^1];
                    pending.RemoveAt(pending.Count - 1);
                    Interlocked.Decrement(ref _outstanding);
                }
            }
            // Sleeping, not spinning: a spinning poller would take a core from etcd and the agent (1 ms resolution).
            Thread.Sleep(1);
        }
    }
}
