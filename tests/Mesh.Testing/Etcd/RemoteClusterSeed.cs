using System.Globalization;
using System.Text;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Cilium.Values;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Etcd.Backend;
using Mesh.KvStore.Store;

namespace Mesh.Testing.Etcd;

/// <summary>
/// What a remote cluster's apiserver has written once synced, for the readers under test (KVStoreMesh, the agent):
/// its cluster config (with synced canaries), one ipcache entry per IP holding an identity of that cluster
/// (<c>(id &lt;&lt; 16) + 100</c>), and every sync canary.
/// </summary>
public static class RemoteClusterSeed
{
    public static async Task WriteAsync(EtcdFixture etcd, string cluster, uint clusterId, params string[] ips)
    {
        ArgumentNullException.ThrowIfNull(etcd);
        await using var backend = new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = etcd.ClientEndpoints }));
        await using var remote = KvStoreFactory.Create(backend);
        await WriteAsync(remote, cluster, clusterId, ips);
    }

    public static async Task WriteAsync(IKvStore remote, string cluster, uint clusterId, IEnumerable<string> ips)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(ips);
        var config = new CiliumClusterConfig(clusterId, new ClusterCapabilities { SyncedCanaries = true });
        await remote.UpdateAsync(CiliumKeys.ClusterConfig(cluster), CiliumClusterConfigCodec.Encode(config), withLease: false, CancellationToken.None);
        var identity = ((clusterId << 16) + 100).ToString(CultureInfo.InvariantCulture);
        foreach (var ip in ips)
        {
            await remote.UpdateAsync(CiliumKeys.Ip(ip), Encoding.UTF8.GetBytes($$"""{"IP":"{{ip}}","ID":{{identity}}}"""), withLease: false, CancellationToken.None);
        }
        foreach (var resource in Enum.GetValues<CiliumResource>())
        {
            await remote.UpdateAsync(CiliumKeys.SyncCanary(cluster, CiliumKeys.CanarySuffix(resource, cached: false)), KvTimestamp.Encode(DateTimeOffset.UnixEpoch), withLease: false, CancellationToken.None);
        }
    }
}
