namespace Mesh.Kubernetes.Objects;

/// <summary>An item of <c>fromCIDRSet</c>/<c>toCIDRSet</c>: a prefix (or a CIDR group) minus the <c>except</c> prefixes.</summary>
public sealed record CidrRuleSpec(string Cidr, string CidrGroupRef, LabelSelector? CidrGroupSelector, IReadOnlyList<string> Except);
