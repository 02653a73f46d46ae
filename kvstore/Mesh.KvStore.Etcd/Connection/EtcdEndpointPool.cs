using Mesh.Grpc;

namespace Mesh.KvStore.Etcd.Connection;

/// <summary>
/// One gRPC channel per endpoint and the index of the one in use. A failure on the current channel moves every
/// caller to the next endpoint (round robin); a failure reported on an already abandoned channel changes nothing.
/// </summary>
internal sealed class EtcdEndpointPool : IDisposable
{
    private readonly GrpcChannel[] _channels;
    private int _current;

    public EtcdEndpointPool(IReadOnlyList<GrpcChannel> channels)
    {
        if (channels.Count == 0)
        {
            throw new ArgumentException("at least one endpoint is required", nameof(channels));
        }
        _channels = [.. channels];
    }

    public GrpcChannel Current => _channels[Volatile.Read(ref _current)];

    public int Count => _channels.Length;

    /// <summary>Moves to the next endpoint if <paramref name="failed"/> is still the current one; returns the channel now in use.</summary>
    public GrpcChannel Failover(GrpcChannel failed)
    {
        var index = Volatile.Read(ref _current);
        if (ReferenceEquals(_channels[index], failed))
        {
            Interlocked.CompareExchange(ref _current, (index + 1) % _channels.Length, index);
        }
        return Current;
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}
