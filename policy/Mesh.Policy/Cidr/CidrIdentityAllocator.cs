using Mesh.Policy.Labels;
using Mesh.Policy.Selection;

namespace Mesh.Policy.Cidr;

/// <summary>
/// Node-local CIDR identities (0x01000001-0x01FFFFFF, spec §1.9): one per prefix referenced by a policy,
/// including excepts, labelled <c>cidr:&lt;prefix&gt;</c> plus world. A prefix that already has a local identity
/// (for example one restored from the ipcache) keeps it; identities allocated here are released with their last
/// reference.
/// </summary>
internal sealed class CidrIdentityAllocator(bool dualStack)
{
    private readonly Dictionary<CidrPrefix, uint> _byPrefix = [];
    private readonly Dictionary<CidrPrefix, int> _references = [];
    private readonly HashSet<uint> _allocated = [];
    private uint _next = ReservedIdentities.FirstLocalCidr;

    public IReadOnlyDictionary<CidrPrefix, uint> Identities => _byPrefix;

    /// <summary>Takes a reference on a prefix; returns a new identity to add, or null when the prefix already has one.</summary>
    public (uint Id, LabelSet Labels)? Acquire(CidrPrefix prefix, Func<uint, bool> inUse)
    {
        _references[prefix] = _references.GetValueOrDefault(prefix) + 1;
        if (_byPrefix.ContainsKey(prefix))
        {
            return null;
        }
        var id = _next;
        while (inUse(id) || _allocated.Contains(id))
        {
            id = id == ReservedIdentities.LastLocalCidr ? ReservedIdentities.FirstLocalCidr : id + 1;
            if (id == _next)
            {
                throw new InvalidOperationException("the node-local CIDR identity space is exhausted");
            }
        }
        _next = id == ReservedIdentities.LastLocalCidr ? ReservedIdentities.FirstLocalCidr : id + 1;
        _allocated.Add(id);
        return (id, LabelsOf(prefix));
    }

    /// <summary>Drops a reference; returns the identity to delete when it was allocated here and is no longer used.</summary>
    public uint? Release(CidrPrefix prefix)
    {
        if (!_references.TryGetValue(prefix, out var count))
        {
            return null;
        }
        if (count > 1)
        {
            _references[prefix] = count - 1;
            return null;
        }
        _references.Remove(prefix);
        return _byPrefix.TryGetValue(prefix, out var id) && _allocated.Contains(id) ? id : null;
    }

    /// <summary>Records an identity's prefix when it is a node-local CIDR identity.</summary>
    public void Observe(uint id, LabelSet labels)
    {
        if (id is < ReservedIdentities.FirstLocalCidr or > ReservedIdentities.LastLocalCidr)
        {
            return;
        }
        foreach (var label in labels.Labels)
        {
            if (label.Source == LabelSources.Cidr && CidrPrefix.TryParse(label.Key, out var prefix))
            {
                _byPrefix[prefix] = id;
                return;
            }
        }
    }

    public void Forget(uint id, LabelSet labels)
    {
        _allocated.Remove(id);
        foreach (var label in labels.Labels)
        {
            if (label.Source == LabelSources.Cidr && CidrPrefix.TryParse(label.Key, out var prefix) && _byPrefix.TryGetValue(prefix, out var known) && known == id)
            {
                _byPrefix.Remove(prefix);
            }
        }
    }

    public LabelSet LabelsOf(CidrPrefix prefix)
    {
        var world = !dualStack ? WellKnownLabels.ReservedWorld : prefix.IsIPv6 ? WellKnownLabels.ReservedWorldIPv6 : WellKnownLabels.ReservedWorldIPv4;
        return LabelSet.Create([new Label(LabelSources.Cidr, prefix.LabelKey, string.Empty), new Label(LabelSources.Reserved, world, string.Empty)]);
    }
}
