using Mesh.KvStore.Backend;
using Mesh.KvStore.Cilium.Keys;

namespace Mesh.ClusterMesh.Apiserver.EtcdInit;

/// <summary>
/// The users, roles and read-only grants of a clustermesh etcd (spec §2.6), as data: <c>root</c> and
/// <c>admin-&lt;cluster&gt;</c> hold the root role; <c>local-&lt;cluster&gt;</c> reads the heartbeat, the cache, cluster configs
/// and canaries; <c>remote</c> (and <c>remote-&lt;peer&gt;</c> per peer) reads the heartbeat, the state, this cluster's
/// config and its canaries. Nobody but root-role users may write.
/// </summary>
public sealed record EtcdAccessPlan(IReadOnlyList<(string User, string Role)> Users, IReadOnlyList<(string Role, string Key, string? RangeEnd)> ReadGrants)
{
    public const string RootRole = "root";
    public const string LocalRole = "local";
    public const string RemoteRole = "remote";

    public static EtcdAccessPlan For(string clusterName, IEnumerable<string> remotePeers)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterName);
        ArgumentNullException.ThrowIfNull(remotePeers);
        var users = new List<(string, string)>
        {
            ("root", RootRole),
            ($"admin-{clusterName}", RootRole),
            ($"local-{clusterName}", LocalRole),
            ("remote", RemoteRole),
        };
        users.AddRange(remotePeers.Where(p => p != clusterName).Distinct(StringComparer.Ordinal).Select(p => ($"remote-{p}", RemoteRole)));
        List<(string, string, string?)> grants =
        [
            (LocalRole, CiliumKeys.Heartbeat, null),
            .. Prefix(LocalRole, CiliumKeys.CachePrefix),
            .. Prefix(LocalRole, CiliumKeys.ClusterConfigPrefix),
            .. Prefix(LocalRole, CiliumKeys.SyncedPrefix),
            (RemoteRole, CiliumKeys.Heartbeat, null),
            .. Prefix(RemoteRole, CiliumKeys.StatePrefix),
            (RemoteRole, CiliumKeys.ClusterConfig(clusterName), null),
            .. Prefix(RemoteRole, $"{CiliumKeys.SyncedPrefix}/{clusterName}"),
        ];
        return new EtcdAccessPlan(users, grants);
    }

    // Cilium grants prefix + "/" so that "cilium/state" does not also cover "cilium/statex".
    private static (string, string, string?)[] Prefix(string role, string prefix)
    {
        var key = CiliumKeys.AsPrefix(prefix);
        return [(role, key, KeyRange.PrefixEnd(key))];
    }
}
