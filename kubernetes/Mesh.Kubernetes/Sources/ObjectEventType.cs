namespace Mesh.Kubernetes.Sources;

public enum ObjectEventType
{
    Upsert,
    Delete,

    /// <summary>Every object that existed at start has been reported (the informer's initial sync).</summary>
    Synced,
}
