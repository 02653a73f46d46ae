using System.Threading.Channels;

namespace Mesh.KvStore.Etcd.Tests.Integration;

/// <summary>Pumps a watch into a channel so tests can await the next response with a timeout.</summary>
internal sealed class WatchReader : IAsyncDisposable
{
    private readonly Channel<EtcdWatchResponse> _responses = Channel.CreateUnbounded<EtcdWatchResponse>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public WatchReader(IEtcdClient client, EtcdWatchRequest request)
    {
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var response in client.WatchAsync(request, _stop.Token))
                {
                    await _responses.Writer.WriteAsync(response);
                }
                _responses.Writer.Complete();
            }
            catch (Exception e)
            {
                _responses.Writer.Complete(e);
            }
        });
    }

    /// <summary>Completes when the watch has ended (normally, by error, or by cancellation).</summary>
    public Task Completion => _responses.Reader.Completion;

    public async Task<EtcdWatchResponse> NextAsync() =>
        await _responses.Reader.ReadAsync().AsTask().WaitAsync(EtcdTestClients.Patience);

    /// <summary>Skips creation acknowledgements and progress notifications; returns the next batch with events.</summary>
    public async Task<EtcdWatchResponse> NextEventsAsync()
    {
        while (true)
        {
            var response = await NextAsync();
            if (response.Events.Count > 0 || response.Canceled)
            {
                return response;
            }
        }
    }

    /// <summary>Collects events until <paramref name="count"/> arrived.</summary>
    public async Task<IReadOnlyList<EtcdEvent>> EventsAsync(int count)
    {
        var events = new List<EtcdEvent>();
        while (events.Count < count)
        {
            var response = await NextEventsAsync();
            response.Canceled.Should().BeFalse(response.CancelReason);
            events.AddRange(response.Events);
        }
        return events;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _pump.WaitAsync(EtcdTestClients.Patience);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
