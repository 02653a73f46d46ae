namespace Mesh.Kubernetes.Objects;

/// <summary>A NetworkPolicy <c>ipBlock</c>: a CIDR minus the <c>except</c> CIDRs.</summary>
public sealed record IpBlockSpec(string Cidr, IReadOnlyList<string> Except);
