namespace Mesh.Kubernetes.Objects;

/// <summary>
/// A CiliumClusterwideNetworkPolicy (cilium.io/v2, cluster-scoped): the schema of a CiliumNetworkPolicy, whose
/// rules may also select the host through <see cref="PolicyRuleSpec.NodeSelector"/>.
/// </summary>
public sealed record CiliumClusterwideNetworkPolicy(ObjectMeta Metadata, string Uid, PolicyRuleSpec? Spec, IReadOnlyList<PolicyRuleSpec>? Specs) : IKubeObject
{
    public string Kind => "CiliumClusterwideNetworkPolicy";
}
