using Mesh.Kubernetes.Sources;

namespace Mesh.Kubernetes.Client.Tests;

/// <summary>Reads a source's events as "Type Kind key" lines, with a deadline.</summary>
internal sealed class EventStream : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _cancel = new(Patience * 2);
    private readonly IAsyncEnumerator<ObjectEvent> _events;
    private readonly List<Mesh.Kubernetes.Objects.IKubeObject> _received = [];
    private Task<bool>? _pending;

    public EventStream(IObjectSource source) => _events = source.WatchAsync(_cancel.Token).GetAsyncEnumerator(_cancel.Token);

    /// <summary>Every object taken so far, in order (deletes included).</summary>
    public IReadOnlyList<Mesh.Kubernetes.Objects.IKubeObject> Received => _received;

    public static string Describe(ObjectEvent e) => e.Item is null ? e.Type.ToString() : $"{e.Type} {e.Item.Kind} {e.Item.Metadata.Key}";

    /// <summary>The next <paramref name="count"/> events; fails if they do not arrive in time.</summary>
    public async Task<List<string>> TakeAsync(int count)
    {
        var taken = new List<string>();
        using var deadline = new CancellationTokenSource(Patience);
        while (taken.Count < count)
        {
            var next = _pending ??= _events.MoveNextAsync().AsTask();
            var finished = await Task.WhenAny(next, Task.Delay(Timeout.Infinite, deadline.Token).ContinueWith(_ => false, TaskScheduler.Default));
            if (finished != next)
            {
                throw new TimeoutException($"got only [{string.Join(", ", taken)}] of {count} events");
            }
            _pending = null;
            if (!await next)
            {
                throw new InvalidOperationException("the stream ended");
            }
            taken.Add(Describe(_events.Current));
            if (_events.Current.Item is { } item)
            {
                _received.Add(item);
            }
        }
        return taken;
    }

    /// <summary>Takes events up to and including Synced.</summary>
    public async Task<List<string>> TakeUntilSyncedAsync()
    {
        var taken = new List<string>();
        while (taken.Count == 0 || taken[^1] != "Synced")
        {
            taken.AddRange(await TakeAsync(1));
        }
        return taken;
    }

    public async ValueTask DisposeAsync()
    {
        await _cancel.CancelAsync();
        if (_pending is { } pending)
        {
            // An async iterator cannot be disposed while a MoveNext is running: let it end first.
            try
            {
                await pending;
            }
            catch (OperationCanceledException)
            {
            }
        }
        try
        {
            await _events.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
        }
        _cancel.Dispose();
    }

    /// <summary>Polls <paramref name="condition"/> until true or the patience runs out.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }
            await Task.Delay(10);
        }
    }
}
