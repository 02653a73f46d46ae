using Mesh.Policy.Cidr;
using Mesh.Policy.Rules;
using Mesh.Policy.Validation;

namespace Mesh.Policy.Translation;

/// <summary>
/// A policy object turned into rules, or the reasons it cannot be: when <see cref="Errors"/> is not empty the
/// policy is rejected as a whole. <see cref="Prefixes"/> are the CIDRs (and excepts) that need CIDR identities.
/// </summary>
internal sealed record TranslationResult(
    PolicyOrigin Origin,
    IReadOnlyList<PolicyRule> Rules,
    IReadOnlyList<CidrPrefix> Prefixes,
    IReadOnlyList<PolicyError> Errors,
    IReadOnlyList<PolicyError> Warnings)
{
    public bool IsValid => Errors.Count == 0;
}
