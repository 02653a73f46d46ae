using Mesh.Policy.Maps;

namespace Mesh.Policy.Verdict;

/// <summary>ALLOW or DROP, and the map entry that decided (none for <see cref="VerdictReason.NoEntry"/>).</summary>
public readonly record struct PolicyVerdict(bool Allowed, VerdictReason Reason, PolicyMapKey? Key, PolicyMapEntry? Entry)
{
    public override string ToString() => Key is { } key
        ? $"{(Allowed ? "ALLOW" : "DROP")} by {key} = {Entry}"
        : "DROP (no matching entry)";
}
