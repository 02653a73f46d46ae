using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Mesh.Kubernetes.Objects;
using Mesh.Kubernetes.Reading;
using Mesh.Kubernetes.Sources;

namespace Mesh.Bgp.Agent.Tests;

/// <summary>An object source the test feeds: YAML documents become upserts; <see cref="Synced"/> marks the initial list.</summary>
internal sealed class ChannelObjectSource : IObjectSource
{
    private readonly Channel<ObjectEvent> _events = Channel.CreateUnbounded<ObjectEvent>();

    public void Upsert(params string[] yaml)
    {
        foreach (var text in yaml)
        {
            foreach (var document in YamlDocuments.Parse(text))
            {
                if (KubeObjectReader.Read(document) is { } item)
                {
                    _events.Writer.TryWrite(new ObjectEvent(ObjectEventType.Upsert, item));
                }
            }
        }
    }

    public void Delete(IKubeObject item) => _events.Writer.TryWrite(new ObjectEvent(ObjectEventType.Delete, item));

    public void Synced() => _events.Writer.TryWrite(ObjectEvent.Synced);

    public async IAsyncEnumerable<ObjectEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var change in _events.Reader.ReadAllAsync(cancellationToken))
        {
            yield return change;
        }
    }
}
