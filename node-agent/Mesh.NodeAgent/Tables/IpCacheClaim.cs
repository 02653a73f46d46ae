using Mesh.NodeAgent.IpCache;

namespace Mesh.NodeAgent.Tables;

/// <summary>One source's claim on an ipcache prefix (an endpoint, a node, or a remote cluster's entry).</summary>
/// <param name="Owner">Who claims: <c>endpoint/&lt;ns&gt;/&lt;name&gt;</c>, <c>node/&lt;cluster&gt;/&lt;name&gt;</c> or <c>cluster/&lt;name&gt;</c>.</param>
/// <param name="Entry">What the owner says the prefix maps to.</param>
public sealed record IpCacheClaim(string Owner, IpCacheEntry Entry)
{
    public IpCacheClaimKey Key => new(Owner, Entry.Prefix);

    public static string EndpointOwner(string ns, string name) => $"endpoint/{ns}/{name}";

    public static string NodeOwner(string cluster, string name) => $"node/{cluster}/{name}";

    public static string ClusterOwner(string cluster) => $"cluster/{cluster}";
}
