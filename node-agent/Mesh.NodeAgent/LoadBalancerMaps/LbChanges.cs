namespace Mesh.NodeAgent.LoadBalancerMaps;

/// <summary>What one planning step changed in the desired LB state: rows to upsert and keys to delete.</summary>
public sealed class LbChanges
{
    public List<LbServiceEntry> ServiceUpserts { get; } = [];

    public List<LbFrontendKey> ServiceDeletes { get; } = [];

    public List<LbBackendEntry> BackendUpserts { get; } = [];

    public List<uint> BackendDeletes { get; } = [];

    public List<LbRevNatEntry> RevNatUpserts { get; } = [];

    public List<ushort> RevNatDeletes { get; } = [];

    /// <summary>Problems of this step (a frontend claimed twice, IDs exhausted), one line each.</summary>
    public List<string> Errors { get; } = [];

    public bool IsEmpty => ServiceUpserts.Count + ServiceDeletes.Count + BackendUpserts.Count + BackendDeletes.Count
        + RevNatUpserts.Count + RevNatDeletes.Count == 0;
}
