using Mesh.Policy.Labels;

namespace Mesh.Policy.Selection;

/// <summary>Policy entities (spec §1.8) as identity selectors.</summary>
internal static class EntitySelectors
{
    public static readonly IReadOnlyList<string> Names =
        ["all", "world", "world-ipv4", "world-ipv6", "host", "remote-node", "kube-apiserver", "ingress", "health", "init", "unmanaged", "cluster", "none"];

    /// <summary>
    /// The selectors of an entity; <paramref name="wildcard"/> is set for <c>all</c>. False for an unknown name.
    /// The <c>cluster</c> entity selects the local cluster's pods and every reserved non-world identity.
    /// </summary>
    public static bool TryResolve(string entity, string localCluster, out IReadOnlyList<IdentitySelector> selectors, out bool wildcard)
    {
        wildcard = false;
        switch (entity)
        {
            case "all":
                wildcard = true;
                selectors = [IdentitySelector.Wildcard];
                return true;
            case "world":
                selectors = [Reserved(WellKnownLabels.ReservedWorld), Reserved(WellKnownLabels.ReservedWorldIPv4), Reserved(WellKnownLabels.ReservedWorldIPv6)];
                return true;
            case "world-ipv4":
                selectors = [Reserved(WellKnownLabels.ReservedWorldIPv4)];
                return true;
            case "world-ipv6":
                selectors = [Reserved(WellKnownLabels.ReservedWorldIPv6)];
                return true;
            case "host":
                selectors = [Reserved(WellKnownLabels.ReservedHost)];
                return true;
            case "remote-node":
                selectors = [Reserved(WellKnownLabels.ReservedRemoteNode)];
                return true;
            case "kube-apiserver":
                selectors = [Reserved(WellKnownLabels.ReservedKubeApiserver)];
                return true;
            case "ingress":
                selectors = [Reserved(WellKnownLabels.ReservedIngress)];
                return true;
            case "health":
                selectors = [Reserved(WellKnownLabels.ReservedHealth)];
                return true;
            case "init":
                selectors = [Reserved(WellKnownLabels.ReservedInit)];
                return true;
            case "unmanaged":
                selectors = [Reserved(WellKnownLabels.ReservedUnmanaged)];
                return true;
            case "none":
                selectors = [Reserved(WellKnownLabels.ReservedNone)];
                return true;
            case "cluster":
                selectors =
                [
                    Reserved(WellKnownLabels.ReservedHost),
                    Reserved(WellKnownLabels.ReservedRemoteNode),
                    Reserved(WellKnownLabels.ReservedInit),
                    Reserved(WellKnownLabels.ReservedIngress),
                    Reserved(WellKnownLabels.ReservedHealth),
                    Reserved(WellKnownLabels.ReservedUnmanaged),
                    Reserved(WellKnownLabels.ReservedKubeApiserver),
                    new IdentitySelector([new SelectorRequirement(LabelSources.K8s, WellKnownLabels.Cluster, SelectorOperator.In, [localCluster])]),
                ];
                return true;
            default:
                selectors = [];
                return false;
        }
    }

    private static IdentitySelector Reserved(string name) => IdentitySelector.Exists(LabelSources.Reserved, name);
}
