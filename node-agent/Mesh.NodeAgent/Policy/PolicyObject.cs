using Mesh.Kubernetes.Objects;

namespace Mesh.NodeAgent.Policy;

/// <summary>A policy object of the local cluster (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy or NetworkPolicy), verbatim.</summary>
/// <param name="Key"><c>Kind namespace/name</c> (no namespace for the clusterwide kind), as <see cref="KeyOf"/> builds it.</param>
/// <param name="Policy">The object as read from the manifest source or Kubernetes.</param>
public sealed record PolicyObject(string Key, IKubeObject Policy)
{
    public static PolicyObject From(IKubeObject policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new PolicyObject(KeyOf(policy), policy);
    }

    /// <summary>True for the kinds the policy engine reads.</summary>
    public static bool IsPolicy(IKubeObject item) => item is CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy or NetworkPolicy;

    public static string KeyOf(IKubeObject policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var ns = policy is CiliumClusterwideNetworkPolicy ? string.Empty : policy.Metadata.Namespace;
        return ns.Length == 0 ? $"{policy.Kind} {policy.Metadata.Name}" : $"{policy.Kind} {ns}/{policy.Metadata.Name}";
    }
}
