using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Sources;

/// <summary>A change of one object (its last state for deletes), or the initial-sync marker (no object).</summary>
public sealed record ObjectEvent(ObjectEventType Type, IKubeObject? Item)
{
    public static readonly ObjectEvent Synced = new(ObjectEventType.Synced, null);
}
