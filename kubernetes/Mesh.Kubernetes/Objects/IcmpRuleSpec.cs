namespace Mesh.Kubernetes.Objects;

/// <summary>An item of <c>icmps</c>: its <c>fields</c>.</summary>
public sealed record IcmpRuleSpec(IReadOnlyList<IcmpFieldSpec> Fields);
