using System.Threading.Channels;
using Mesh.Kubernetes.Sources;

namespace Mesh.Kubernetes.Client.Watching;

/// <summary>
/// Holds every resource's watch until all resources have written their initial list; the last one to arrive
/// writes <see cref="ObjectEvent.Synced"/>, so it follows every listed object and precedes every live change.
/// </summary>
internal sealed class InitialSyncBarrier
{
    private readonly ChannelWriter<ObjectEvent> _output;
    private readonly TaskCompletionSource _allListed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining;

    public InitialSyncBarrier(int resources, ChannelWriter<ObjectEvent> output)
    {
        _remaining = resources;
        _output = output;
    }

    /// <summary>Called once per resource after its initial list was written; returns when all are listed.</summary>
    public async Task ListedAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            await _output.WriteAsync(ObjectEvent.Synced, cancellationToken);
            _allListed.TrySetResult();
        }
        await _allListed.Task.WaitAsync(cancellationToken);
    }
}
