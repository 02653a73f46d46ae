namespace Mesh.Kubernetes.Objects;

/// <summary>
/// An item of <c>toPorts</c>: the ports, and the names of any L7 fields present (<c>rules</c>,
/// <c>terminatingTLS</c>, <c>originatingTLS</c>, <c>serverNames</c>, <c>listener</c>).
/// </summary>
public sealed record PortRuleSpec(IReadOnlyList<PortProtocolSpec> Ports, IReadOnlyList<string> L7Fields);
