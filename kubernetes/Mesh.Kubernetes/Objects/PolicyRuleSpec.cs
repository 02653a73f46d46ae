namespace Mesh.Kubernetes.Objects;

/// <summary>
/// One Cilium policy rule (<c>spec</c> or an item of <c>specs</c>). Lists are null when the field is absent and
/// empty when written as <c>[]</c>: the two mean different things to Cilium.
/// </summary>
public sealed record PolicyRuleSpec(
    LabelSelector? EndpointSelector,
    LabelSelector? NodeSelector,
    IReadOnlyList<PolicyPeerRuleSpec>? Ingress,
    IReadOnlyList<PolicyPeerRuleSpec>? IngressDeny,
    IReadOnlyList<PolicyPeerRuleSpec>? Egress,
    IReadOnlyList<PolicyPeerRuleSpec>? EgressDeny,
    DefaultDenySpec? EnableDefaultDeny,
    IReadOnlyList<string> Labels,
    string Description);
