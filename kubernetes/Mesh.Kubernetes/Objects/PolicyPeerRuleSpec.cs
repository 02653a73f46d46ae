namespace Mesh.Kubernetes.Objects;

/// <summary>
/// One item of <c>ingress</c>, <c>ingressDeny</c>, <c>egress</c> or <c>egressDeny</c>, without the direction
/// prefix: <see cref="Endpoints"/> is <c>fromEndpoints</c> on ingress and <c>toEndpoints</c> on egress, and so on.
/// Null means absent, empty means <c>[]</c> (selects nothing). <see cref="UnsupportedFields"/> names the fields
/// present whose semantics Mesh does not implement (FQDN, services, groups, requires, authentication), with
/// their spelling in the manifest.
/// </summary>
public sealed record PolicyPeerRuleSpec(
    IReadOnlyList<LabelSelector>? Endpoints,
    IReadOnlyList<string>? Cidr,
    IReadOnlyList<CidrRuleSpec>? CidrSet,
    IReadOnlyList<string>? Entities,
    IReadOnlyList<LabelSelector>? Nodes,
    IReadOnlyList<PortRuleSpec>? ToPorts,
    IReadOnlyList<IcmpRuleSpec>? Icmps,
    IReadOnlyList<string> UnsupportedFields);
