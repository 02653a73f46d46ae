namespace Mesh.Kubernetes.Objects;

/// <summary>
/// A CiliumNetworkPolicy (cilium.io/v2, namespaced): <see cref="Spec"/> and/or <see cref="Specs"/>; when both are
/// present every rule of both applies. Shapes are checked when read; semantics by the policy validator.
/// </summary>
public sealed record CiliumNetworkPolicy(ObjectMeta Metadata, string Uid, PolicyRuleSpec? Spec, IReadOnlyList<PolicyRuleSpec>? Specs) : IKubeObject
{
    public string Kind => "CiliumNetworkPolicy";
}
