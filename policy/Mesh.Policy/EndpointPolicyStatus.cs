namespace Mesh.Policy;

/// <summary>
/// The policy state of one local endpoint: enforcement per direction, the number of map entries, and whether the
/// map would exceed its size limit (<see cref="Degraded"/>; the map state is kept whole, never truncated).
/// </summary>
public sealed record EndpointPolicyStatus(
    ushort EndpointId,
    uint Identity,
    bool IngressEnforced,
    bool EgressEnforced,
    int Entries,
    int MaxEntries,
    IReadOnlyList<string> Policies)
{
    public bool Degraded => Entries > MaxEntries;

    /// <summary>Why the endpoint is degraded, or null.</summary>
    public string? Reason => Degraded ? $"policy map needs {Entries} entries, over its limit of {MaxEntries}" : null;
}
