using Mesh.Policy.Validation;

namespace Mesh.Policy;

/// <summary>
/// Whether the last version of a policy was accepted. A rejected update keeps the previous accepted version (if
/// any) in force; <see cref="InForce"/> says whether some version applies.
/// </summary>
public sealed record PolicyStatus(string Policy, bool Accepted, bool InForce, IReadOnlyList<PolicyError> Errors, IReadOnlyList<PolicyError> Warnings);
