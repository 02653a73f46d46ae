namespace Mesh.Kubernetes.Objects;

/// <summary>One ICMP match: <see cref="Family"/> IPv4 (default) or IPv6, <see cref="Type"/> a number or a type name.</summary>
public sealed record IcmpFieldSpec(string Family, string Type);
