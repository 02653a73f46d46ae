namespace Mesh.Kubernetes.Objects;

/// <summary>The spec of a NetworkPolicy: the pods it applies to, its rules and <c>policyTypes</c> as written.</summary>
public sealed record NetworkPolicySpec(
    LabelSelector PodSelector,
    IReadOnlyList<NetworkPolicyRuleSpec> Ingress,
    IReadOnlyList<NetworkPolicyRuleSpec> Egress,
    IReadOnlyList<string> PolicyTypes);
