namespace Mesh.KvStore.Cilium.Keys;

/// <summary>Cilium's kvstore key layout (pkg/kvstore, pkg/clustermesh): every key Mesh reads or writes is built here.</summary>
public static class CiliumKeys
{
    public const string Root = "cilium";
    public const string Heartbeat = "cilium/.heartbeat";
    public const string HasClusterConfig = "cilium/.has-cluster-config";
    public const string ClusterConfigPrefix = "cilium/cluster-config";
    public const string SyncedPrefix = "cilium/synced";
    public const string StatePrefix = "cilium/state";
    public const string CachePrefix = "cilium/cache";

    public const string IdentitiesPrefix = "cilium/state/identities/v1/id";
    public const string IpPrefix = "cilium/state/ip/v1/default";
    public const string NodesPrefix = "cilium/state/nodes/v1";
    public const string ServicesPrefix = "cilium/state/services/v1";
    public const string ServiceExportsPrefix = "cilium/state/serviceexports/v1";

    /// <summary>The ipcache address space is always this literal.</summary>
    public const string DefaultAddressSpace = "default";

    /// <summary>Joins with "/", dropping empty elements and trimming slashes, as Cilium's JoinKey does.</summary>
    public static string Join(params string[] parts)
    {
        var elements = new List<string>(parts.Length);
        foreach (var part in parts)
        {
            foreach (var element in part.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                elements.Add(element);
            }
        }
        return string.Join('/', elements);
    }

    /// <summary>Watchers append "/" so that cluster1 does not also match cluster10.</summary>
    public static string AsPrefix(string prefix) => prefix.EndsWith('/') ? prefix : prefix + "/";

    public static string ClusterConfig(string cluster) => $"{ClusterConfigPrefix}/{cluster}";

    public static string Identity(uint id) => $"{IdentitiesPrefix}/{id}";

    /// <summary>The bare IP for host entries, <c>ip/len</c> for CIDR entries.</summary>
    public static string Ip(string prefixString) => $"{IpPrefix}/{prefixString}";

    public static string Node(string cluster, string name) => $"{NodesPrefix}/{Join(cluster, name)}";

    public static string Service(string cluster, string ns, string name) => $"{ServicesPrefix}/{cluster}/{ns}/{name}";

    public static string ServiceExport(string cluster, string ns, string name) => $"{ServiceExportsPrefix}/{cluster}/{ns}/{name}";

    /// <summary><c>cilium/synced/&lt;cluster&gt;/&lt;suffix&gt;</c>, the canary written after a store's initial sync.</summary>
    public static string SyncCanary(string cluster, string canarySuffix) => $"{SyncedPrefix}/{cluster}/{canarySuffix}";

    /// <summary>All canaries of one cluster.</summary>
    public static string SyncCanaries(string cluster) => $"{SyncedPrefix}/{cluster}/";

    /// <summary>
    /// KVStoreMesh's copy of a remote cluster's prefix: <c>cilium/state/X/v1[/default|/id]</c> →
    /// <c>cilium/cache/X/v1/&lt;cluster&gt;[/id]</c> (spec §1.6).
    /// </summary>
    public static string CachePrefixFor(CiliumResource resource, string cluster) => resource switch
    {
        CiliumResource.Nodes => $"{CachePrefix}/nodes/v1/{cluster}",
        CiliumResource.Services => $"{CachePrefix}/services/v1/{cluster}",
        CiliumResource.ServiceExports => $"{CachePrefix}/serviceexports/v1/{cluster}",
        CiliumResource.Ips => $"{CachePrefix}/ip/v1/{cluster}",
        CiliumResource.Identities => $"{CachePrefix}/identities/v1/{cluster}/id",
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, null),
    };

    /// <summary>Where a cluster's data of one kind lives: its own state prefix, or KVStoreMesh's cache when <paramref name="cached"/>.</summary>
    public static string SourcePrefix(CiliumResource resource, string cluster, bool cached) => cached
        ? CachePrefixFor(resource, cluster)
        : resource switch
        {
            CiliumResource.Nodes => $"{NodesPrefix}/{cluster}",
            CiliumResource.Services => $"{ServicesPrefix}/{cluster}",
            CiliumResource.ServiceExports => $"{ServiceExportsPrefix}/{cluster}",
            CiliumResource.Ips => IpPrefix,
            CiliumResource.Identities => IdentitiesPrefix,
            _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, null),
        };

    /// <summary>The prefix a cluster's own writer (the apiserver) writes a kind under; names below it are the key names.</summary>
    public static string StatePrefixFor(CiliumResource resource) => resource switch
    {
        CiliumResource.Nodes => NodesPrefix,
        CiliumResource.Services => ServicesPrefix,
        CiliumResource.ServiceExports => ServiceExportsPrefix,
        CiliumResource.Ips => IpPrefix,
        CiliumResource.Identities => IdentitiesPrefix,
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, null),
    };

    /// <summary>The canary suffix of a kind (spec §1.3.8): the state path, or <c>cilium/cache/&lt;type&gt;/v1</c> for KVStoreMesh copies.</summary>
    public static string CanarySuffix(CiliumResource resource, bool cached) => (resource, cached) switch
    {
        (CiliumResource.Nodes, false) => "cilium/state/nodes/v1",
        (CiliumResource.Services, false) => "cilium/state/services/v1",
        (CiliumResource.ServiceExports, false) => "cilium/state/serviceexports/v1",
        (CiliumResource.Ips, false) => "cilium/state/ip/v1",
        (CiliumResource.Identities, false) => "cilium/state/identities/v1",
        (CiliumResource.Nodes, true) => "cilium/cache/nodes/v1",
        (CiliumResource.Services, true) => "cilium/cache/services/v1",
        (CiliumResource.ServiceExports, true) => "cilium/cache/serviceexports/v1",
        (CiliumResource.Ips, true) => "cilium/cache/ip/v1",
        (CiliumResource.Identities, true) => "cilium/cache/identities/v1",
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, null),
    };
}
