using Mesh.Kubernetes.Objects;
using Mesh.Policy.Labels;

namespace Mesh.Policy.Selection;

/// <summary>
/// The namespace and cluster requirements Cilium adds when it parses a policy (spec §1.7, §2.2): subjects of a
/// CiliumNetworkPolicy are confined to its namespace; peer endpoint selectors to the policy's namespace (CNP) or to
/// Kubernetes pods (CCNP), then to the local cluster. Selectors with a reserved key are left alone.
/// </summary>
internal static class SelectorInjection
{
    /// <summary>A CNP's subject: <c>k8s:io.kubernetes.pod.namespace=&lt;ns&gt;</c> replaces any namespace written by the user.</summary>
    public static IdentitySelector CnpSubject(LabelSelector selector, string policyNamespace, out string? overriddenNamespace)
    {
        overriddenNamespace = null;
        var requirements = IdentitySelector.Compile(selector, LabelSources.Any, string.Empty);
        for (var i = requirements.Count - 1; i >= 0; i--)
        {
            if (requirements[i].IsK8sKey(WellKnownLabels.Namespace))
            {
                if (requirements[i].Operator != SelectorOperator.In || requirements[i].Values.Count != 1 || requirements[i].Values[0] != policyNamespace)
                {
                    overriddenNamespace = requirements[i].Text;
                }
                requirements.RemoveAt(i);
            }
        }
        requirements.Add(NamespaceIs(policyNamespace));
        return new IdentitySelector(requirements);
    }

    /// <summary>A CCNP's subject, as written.</summary>
    public static IdentitySelector ClusterwideSubject(LabelSelector selector) =>
        new(IdentitySelector.Compile(selector, LabelSources.Any, string.Empty));

    /// <summary>
    /// A <c>fromEndpoints</c>/<c>toEndpoints</c> selector. <paramref name="policyNamespace"/> is null for a CCNP;
    /// <paramref name="subjectIsInit"/> exempts CCNP rules for initializing endpoints from the pod restriction.
    /// </summary>
    public static IdentitySelector Peer(LabelSelector selector, string? policyNamespace, bool subjectIsInit, string? injectedCluster)
    {
        var compiled = new IdentitySelector(IdentitySelector.Compile(selector, LabelSources.Any, string.Empty));
        if (compiled.HasSource(LabelSources.Reserved))
        {
            return compiled;
        }
        var requirements = new List<SelectorRequirement>(compiled.Requirements);
        if (!compiled.HasK8sKey(WellKnownLabels.Namespace))
        {
            if (policyNamespace is not null)
            {
                if (!UsesNamespaceLabels(compiled))
                {
                    requirements.Add(NamespaceIs(policyNamespace));
                }
            }
            else if (!subjectIsInit)
            {
                requirements.Add(new SelectorRequirement(LabelSources.K8s, WellKnownLabels.Namespace, SelectorOperator.Exists));
            }
        }
        AddCluster(requirements, compiled, injectedCluster);
        return new IdentitySelector(requirements);
    }

    /// <summary>A <c>fromNodes</c>/<c>toNodes</c> selector: remote nodes, then cluster injection.</summary>
    public static IdentitySelector Nodes(LabelSelector selector, string? injectedCluster)
    {
        var compiled = new IdentitySelector(IdentitySelector.Compile(selector, LabelSources.Any, string.Empty));
        var requirements = new List<SelectorRequirement>(compiled.Requirements)
        {
            new(LabelSources.Reserved, WellKnownLabels.ReservedRemoteNode, SelectorOperator.Exists),
        };
        AddCluster(requirements, compiled, injectedCluster);
        return new IdentitySelector(requirements);
    }

    /// <summary>Adds <c>k8s:io.cilium.k8s.policy.cluster=&lt;local&gt;</c> unless the selector already names the cluster key.</summary>
    public static void AddCluster(List<SelectorRequirement> requirements, IdentitySelector original, string? injectedCluster)
    {
        if (injectedCluster is not null && !original.HasK8sKey(WellKnownLabels.Cluster))
        {
            requirements.Add(new SelectorRequirement(LabelSources.K8s, WellKnownLabels.Cluster, SelectorOperator.In, [injectedCluster]));
        }
    }

    public static SelectorRequirement NamespaceIs(string ns) => new(LabelSources.K8s, WellKnownLabels.Namespace, SelectorOperator.In, [ns]);

    private static bool UsesNamespaceLabels(IdentitySelector selector)
    {
        foreach (var requirement in selector.Requirements)
        {
            if (requirement.Key.StartsWith(WellKnownLabels.NamespaceLabelsPrefix, StringComparison.Ordinal) && requirement.Source is LabelSources.K8s or LabelSources.Any)
            {
                return true;
            }
        }
        return false;
    }
}
