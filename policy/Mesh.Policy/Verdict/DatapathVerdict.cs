using Mesh.Policy.Maps;

namespace Mesh.Policy.Verdict;

/// <summary>
/// The datapath's policy decision over a map state (spec §4, <c>__policy_can_access</c>): the longest-prefix
/// entry for the peer identity; a maximum-precedence deny there drops at once; otherwise the longest-prefix entry
/// for identity 0; of the two the higher precedence wins, then the longer protocol+port prefix, then the identity
/// entry. A deny drops, an allow passes, no entry drops.
/// </summary>
public static class DatapathVerdict
{
    /// <summary>Decides one new connection: <paramref name="port"/> is the destination port (the ICMP type for ICMP).</summary>
    public static PolicyVerdict Evaluate(IReadOnlyDictionary<PolicyMapKey, PolicyMapEntry> map, TrafficDirection direction, uint identity, byte protocol, ushort port)
    {
        ArgumentNullException.ThrowIfNull(map);
        var l3 = Longest(map, identity, direction, protocol, port);
        if (l3 is { } exact && exact.Value.Precedence == PolicyMapEntry.DenyPrecedence)
        {
            return new PolicyVerdict(false, VerdictReason.PolicyDeny, exact.Key, exact.Value);
        }
        var l4 = Longest(map, 0, direction, protocol, port);
        KeyValuePair<PolicyMapKey, PolicyMapEntry>? pick = (l3, l4) switch
        {
            (null, null) => null,
            ({ } a, null) => a,
            (null, { } b) => b,
            ({ } a, { } b) => a.Value.Precedence != b.Value.Precedence
                ? (b.Value.Precedence > a.Value.Precedence ? b : a)
                : (b.Value.LpmPrefixLength > a.Value.LpmPrefixLength ? b : a),
        };
        if (pick is not { } chosen)
        {
            return new PolicyVerdict(false, VerdictReason.NoEntry, null, null);
        }
        return chosen.Value.Deny
            ? new PolicyVerdict(false, VerdictReason.PolicyDeny, chosen.Key, chosen.Value)
            : new PolicyVerdict(true, VerdictReason.Allowed, chosen.Key, chosen.Value);
    }

    /// <summary>The LPM trie lookup of a full 64-bit key: longest protocol+port prefix first, then any protocol.</summary>
    private static KeyValuePair<PolicyMapKey, PolicyMapEntry>? Longest(IReadOnlyDictionary<PolicyMapKey, PolicyMapEntry> map, uint identity, TrafficDirection direction, byte protocol, ushort port)
    {
        if (protocol != 0)
        {
            for (var prefix = 16; prefix >= 0; prefix--)
            {
                var key = new PolicyMapKey(identity, direction, protocol, port, prefix);
                if (map.TryGetValue(key, out var entry))
                {
                    return new(key, entry);
                }
            }
        }
        var any = new PolicyMapKey(identity, direction, 0, 0, 0);
        return map.TryGetValue(any, out var wildcard) ? new(any, wildcard) : null;
    }
}
