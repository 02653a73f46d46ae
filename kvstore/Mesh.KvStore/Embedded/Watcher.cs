using System.Threading.Channels;
using Mesh.KvStore.Backend;

namespace Mesh.KvStore.Embedded;

/// <summary>A registered watch: its range and the channel its responses are delivered through.</summary>
internal sealed class Watcher(WatchRequest request)
{
    public WatchRequest Request { get; } = request;

    public Channel<WatchResponse> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<WatchResponse>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    public bool Matches(string key) => KeyRange.Contains(Request.Key, Request.RangeEnd, key);

    /// <summary>The events of one revision this watcher cares about, trimmed of prev_kv unless asked for.</summary>
    public List<WatchEvent>? Select(IReadOnlyList<WatchEvent> events)
    {
        List<WatchEvent>? selected = null;
        foreach (var e in events)
        {
            if (Matches(e.Kv.Key))
            {
                (selected ??= []).Add(Request.PrevKv ? e : e with { Previous = null });
            }
        }
        return selected;
    }
}
