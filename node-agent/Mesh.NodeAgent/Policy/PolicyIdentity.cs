using Mesh.Policy.Labels;

namespace Mesh.NodeAgent.Policy;

/// <summary>A security identity known to this node, with its labels and where it came from.</summary>
/// <param name="Id">The numeric identity (a cluster's range, e.g. 65536..131071 for cluster 1).</param>
/// <param name="Labels">Its labels, as policies select them.</param>
/// <param name="Source"><c>local</c> for the local cluster's CiliumIdentities, <c>cluster/&lt;name&gt;</c> for a remote cluster's.</param>
public sealed record PolicyIdentity(uint Id, LabelSet Labels, string Source)
{
    public const string LocalSource = "local";

    public static string RemoteSource(string cluster) => $"cluster/{cluster}";
}
