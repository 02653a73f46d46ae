namespace Mesh.Kubernetes.Objects;

/// <summary>A NetworkPolicy peer: pod and/or namespace selectors, or an <c>ipBlock</c>.</summary>
public sealed record NetworkPolicyPeerSpec(LabelSelector? PodSelector, LabelSelector? NamespaceSelector, IpBlockSpec? IpBlock);
