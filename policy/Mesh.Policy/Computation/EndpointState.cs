using Mesh.Policy.Maps;

namespace Mesh.Policy.Computation;

/// <summary>
/// One local endpoint's desired policy map and what changed in it since the last read. Keys are indexed by
/// identity, so identity churn replaces exactly that identity's keys.
/// </summary>
internal sealed class EndpointState(ushort id, uint identity, IReadOnlyList<NamedPort> namedPorts)
{
    public ushort Id { get; } = id;

    public uint Identity { get; set; } = identity;

    public IReadOnlyList<NamedPort> NamedPorts { get; set; } = namedPorts;

    public ResolvedPolicy? Policy { get; set; }

    /// <summary>Port keys of each filter of <see cref="Policy"/> for this endpoint (named ports resolved).</summary>
    public PortKey[][] FilterKeys { get; set; } = [];

    public Dictionary<PolicyMapKey, PolicyMapEntry> Map { get; } = [];

    public Dictionary<uint, List<PolicyMapKey>> KeysByIdentity { get; } = [];

    /// <summary>The identity-0 deny keys per direction, after conflict resolution.</summary>
    public List<PortKey>[] WildcardDenies { get; } = [[], []];

    /// <summary>Keys changed since the last read, with their current entry (null: deleted).</summary>
    public Dictionary<PolicyMapKey, PolicyMapEntry?> Pending { get; } = [];

    public void Set(in PolicyMapKey key, PolicyMapEntry entry)
    {
        if (Map.TryGetValue(key, out var old) && old == entry)
        {
            return;
        }
        if (!Map.ContainsKey(key))
        {
            if (!KeysByIdentity.TryGetValue(key.Identity, out var keys))
            {
                keys = [];
                KeysByIdentity.Add(key.Identity, keys);
            }
            keys.Add(key);
        }
        Map[key] = entry;
        Pending[key] = entry;
    }

    public void Remove(in PolicyMapKey key)
    {
        if (!Map.Remove(key))
        {
            return;
        }
        if (KeysByIdentity.TryGetValue(key.Identity, out var keys))
        {
            keys.Remove(key);
            if (keys.Count == 0)
            {
                KeysByIdentity.Remove(key.Identity);
            }
        }
        Pending[key] = null;
    }
}
