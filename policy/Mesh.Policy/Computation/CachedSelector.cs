using Mesh.Policy.Selection;

namespace Mesh.Policy.Computation;

/// <summary>
/// A selector-cache entry: one selector shared by every rule that uses it, its current selections (empty for the
/// wildcard, which is rendered as identity 0 and never tracks identities), and the resolved policies using it.
/// </summary>
internal sealed class CachedSelector(IdentitySelector selector)
{
    public IdentitySelector Selector { get; } = selector;

    public bool IsWildcard => Selector.IsWildcard;

    public HashSet<uint> Selections { get; } = [];

    public HashSet<ResolvedPolicy> Users { get; } = [];

    public int References { get; set; }

    public override string ToString() => Selector.Key;
}
