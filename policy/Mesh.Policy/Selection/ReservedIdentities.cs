using Mesh.Policy.Labels;

namespace Mesh.Policy.Selection;

/// <summary>Cilium's reserved numeric identities (the same in every cluster, without a cluster label).</summary>
public static class ReservedIdentities
{
    public const uint Unknown = 0;
    public const uint Host = 1;
    public const uint World = 2;
    public const uint Unmanaged = 3;
    public const uint Health = 4;
    public const uint Init = 5;
    public const uint RemoteNode = 6;
    public const uint KubeApiserver = 7;
    public const uint Ingress = 8;
    public const uint WorldIPv4 = 9;
    public const uint WorldIPv6 = 10;

    /// <summary>First node-local CIDR identity (scope "local").</summary>
    public const uint FirstLocalCidr = 0x01000001;

    /// <summary>Last node-local CIDR identity.</summary>
    public const uint LastLocalCidr = 0x01FFFFFF;

    /// <summary>The reserved identities present on a node: 1-8, plus world-ipv4/ipv6 in dual-stack.</summary>
    public static IReadOnlyList<(uint Id, LabelSet Labels)> Initial(bool dualStack)
    {
        var list = new List<(uint, LabelSet)>
        {
            (Host, Reserved(WellKnownLabels.ReservedHost)),
            (World, Reserved(WellKnownLabels.ReservedWorld)),
            (Unmanaged, Reserved(WellKnownLabels.ReservedUnmanaged)),
            (Health, Reserved(WellKnownLabels.ReservedHealth)),
            (Init, Reserved(WellKnownLabels.ReservedInit)),
            (RemoteNode, Reserved(WellKnownLabels.ReservedRemoteNode)),
            (KubeApiserver, Reserved(WellKnownLabels.ReservedKubeApiserver, WellKnownLabels.ReservedRemoteNode)),
            (Ingress, Reserved(WellKnownLabels.ReservedIngress)),
        };
        if (dualStack)
        {
            list.Add((WorldIPv4, Reserved(WellKnownLabels.ReservedWorldIPv4)));
            list.Add((WorldIPv6, Reserved(WellKnownLabels.ReservedWorldIPv6)));
        }
        return list;
    }

    /// <summary>True for identities whose keys come from other identities' selections (world-ipv4/ipv6 follow world in dual-stack).</summary>
    internal static bool FollowsWorld(uint id) => id is WorldIPv4 or WorldIPv6;

    private static LabelSet Reserved(params string[] names) =>
        LabelSet.Create(names.Select(n => new Label(LabelSources.Reserved, n, string.Empty)));
}
