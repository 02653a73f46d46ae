namespace Mesh.Policy.Maps;

/// <summary>A copy of one endpoint's desired policy map, safe to hand to another thread.</summary>
public sealed class PolicyMapState(ushort endpointId, IReadOnlyDictionary<PolicyMapKey, PolicyMapEntry> entries)
{
    public ushort EndpointId { get; } = endpointId;

    public IReadOnlyDictionary<PolicyMapKey, PolicyMapEntry> Entries { get; } = entries;

    public int Count => Entries.Count;

    /// <summary>Entries sorted by direction, identity, protocol, port and prefix, for display.</summary>
    public IReadOnlyList<KeyValuePair<PolicyMapKey, PolicyMapEntry>> Sorted() =>
        [.. Entries.OrderBy(e => e.Key.Direction).ThenBy(e => e.Key.Identity).ThenBy(e => e.Key.Protocol).ThenBy(e => e.Key.Port).ThenBy(e => e.Key.PortPrefixLength)];
}
