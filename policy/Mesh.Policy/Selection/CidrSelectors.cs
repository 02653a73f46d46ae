using Mesh.Policy.Cidr;
using Mesh.Policy.Labels;

namespace Mesh.Policy.Selection;

/// <summary>
/// CIDR peers as selectors over CIDR identities (spec §1.9): <c>cidr:&lt;prefix&gt; ∧ ¬cidr:&lt;except&gt;…</c>.
/// A default route selects world (world-ipv4/ipv6 in dual-stack) instead.
/// </summary>
internal static class CidrSelectors
{
    public static IdentitySelector For(CidrPrefix prefix, IReadOnlyList<CidrPrefix> except, bool dualStack)
    {
        var requirements = new List<SelectorRequirement>(1 + except.Count);
        if (prefix.IsDefaultRoute)
        {
            var world = !dualStack ? WellKnownLabels.ReservedWorld : prefix.IsIPv6 ? WellKnownLabels.ReservedWorldIPv6 : WellKnownLabels.ReservedWorldIPv4;
            requirements.Add(new SelectorRequirement(LabelSources.Reserved, world, SelectorOperator.Exists));
        }
        else
        {
            requirements.Add(new SelectorRequirement(LabelSources.Cidr, prefix.LabelKey, SelectorOperator.Exists));
        }
        foreach (var carved in except)
        {
            requirements.Add(new SelectorRequirement(LabelSources.Cidr, carved.LabelKey, SelectorOperator.DoesNotExist));
        }
        return new IdentitySelector(requirements);
    }
}
