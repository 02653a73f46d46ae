namespace Mesh.Kubernetes.Objects;

/// <summary>An ingress (<c>from</c>) or egress (<c>to</c>) rule of a NetworkPolicy; no peers means every peer.</summary>
public sealed record NetworkPolicyRuleSpec(IReadOnlyList<NetworkPolicyPeerSpec> Peers, IReadOnlyList<NetworkPolicyPortSpec> Ports);
