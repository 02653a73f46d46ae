namespace Mesh.Kubernetes.Sources;

/// <summary>
/// Where Kubernetes objects come from: a live API server or a directory of manifests. The stream lists every
/// object, then <see cref="ObjectEventType.Synced"/> once, then follows changes until cancelled.
/// </summary>
public interface IObjectSource
{
    IAsyncEnumerable<ObjectEvent> WatchAsync(CancellationToken cancellationToken);
}
