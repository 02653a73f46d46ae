using System.Net;
using System.Text;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Keys;
using Mesh.KvStore.Cilium.Values;
using Mesh.KvStore.Etcd;

namespace Mesh.Benchmarks.NodeAgent;

/// <summary>
/// Synthetic remote clusters as KVStoreMesh leaves them in the local etcd (spec §1.6): cluster config with
/// <c>cached: true</c>, nodes, identities, ipcache entries and global services under <c>cilium/cache/...</c>, and
/// the sync canaries. Cluster <c>c</c> (ID c) uses 10.c.0.0/16: endpoints from 10.c.0.1, nodes at 10.c.250+.
/// </summary>
internal static class RemoteClusterDataset
{
    public static string Name(int cluster) => $"cluster-{cluster:D3}";

    public static IPAddress EndpointIp(int cluster, int endpoint) => new([10, (byte)cluster, (byte)((endpoint + 1) >> 8), (byte)(endpoint + 1)]);

    public static IPAddress NodeIp(int cluster, int node) => new([10, (byte)cluster, (byte)(250 + (node >> 8)), (byte)node]);

    public static uint Identity(int cluster, int index) => ((uint)cluster << 16) + 256 + (uint)index;

    public static IpIdentityPair Endpoint(int cluster, int endpoint, int nodes, int identities, int generation = 0) => new()
    {
        Ip = EndpointIp(cluster, endpoint),
        HostIp = NodeIp(cluster, endpoint % nodes),
        Id = Identity(cluster, (endpoint + generation) % identities),
        K8sNamespace = "bench",
        K8sPodName = $"pod-{endpoint}",
    };

    /// <summary>Every key and value of one remote cluster.</summary>
    public static IEnumerable<(string Key, byte[] Value)> Cluster(int cluster, int nodes, int identities, int endpoints, int services = 0, int backendsPerService = 0)
    {
        var name = Name(cluster);
        yield return (CiliumKeys.ClusterConfig(name), CiliumClusterConfigCodec.Encode(new CiliumClusterConfig((uint)cluster, new ClusterCapabilities
        {
            SyncedCanaries = true,
            Cached = true,
            MaxConnectedClusters = 255,
        })));
        for (var n = 0; n < nodes; n++)
        {
            var node = new ClusterNode
            {
                Name = $"node-{n:D3}",
                Cluster = name,
                ClusterId = (uint)cluster,
                IpAddresses = [new NodeAddress("InternalIP", NodeIp(cluster, n))],
            };
            yield return ($"{CiliumKeys.CachePrefixFor(CiliumResource.Nodes, name)}/{node.Name}", ClusterNodeCodec.Encode(node));
        }
        for (var i = 0; i < identities; i++)
        {
            yield return ($"{CiliumKeys.CachePrefixFor(CiliumResource.Identities, name)}/{Identity(cluster, i)}",
                Encoding.UTF8.GetBytes($"k8s:app=app-{i};k8s:io.cilium.k8s.policy.cluster={name};k8s:io.kubernetes.pod.namespace=bench;"));
        }
        for (var e = 0; e < endpoints; e++)
        {
            var pair = Endpoint(cluster, e, nodes, identities);
            yield return ($"{CiliumKeys.CachePrefixFor(CiliumResource.Ips, name)}/{pair.PrefixString}", IpIdentityPairCodec.Encode(pair));
        }
        for (var s = 0; s < services; s++)
        {
            var service = Service(cluster, s, backendsPerService);
            yield return ($"{CiliumKeys.CachePrefixFor(CiliumResource.Services, name)}/{service.Namespace}/{service.Name}", ClusterServiceCodec.Encode(service));
        }
        foreach (var resource in new[] { CiliumResource.Nodes, CiliumResource.Services, CiliumResource.Ips, CiliumResource.Identities, CiliumResource.ServiceExports })
        {
            yield return (CiliumKeys.SyncCanary(name, CiliumKeys.CanarySuffix(resource, cached: true)), Encoding.UTF8.GetBytes(DateTimeOffset.UtcNow.ToString("O")));
        }
    }

    /// <summary>Global service <c>bench/svc-s</c> with <paramref name="backends"/> backends on port 8080 in cluster 10.(c + 100 + s/6554).x.y.</summary>
    public static ClusterService Service(int cluster, int service, int backends)
    {
        var addresses = new Dictionary<string, IReadOnlyDictionary<string, L4Address>>(backends);
        for (var b = 0; b < backends; b++)
        {
            var k = service * backends + b;
            addresses[new IPAddress([10, (byte)(cluster + 100 + (k >> 16)), (byte)(k >> 8), (byte)k]).ToString()] =
                new Dictionary<string, L4Address> { ["http"] = new("TCP", 8080) };
        }
        return new ClusterService
        {
            Cluster = Name(cluster),
            Namespace = "bench",
            Name = $"svc-{service}",
            Backends = addresses,
            Shared = true,
            ClusterId = (uint)cluster,
        };
    }

    /// <summary>Writes the pairs in transactions of 128 puts, four in flight (etcd's default max-txn-ops is 128).</summary>
    public static async Task PutAllAsync(IEtcdClient client, IEnumerable<(string Key, byte[] Value)> pairs)
    {
        using var enumerator = pairs.GetEnumerator();
        var gate = new object();
        async Task WorkerAsync()
        {
            while (true)
            {
                var puts = new List<EtcdTxnOperation>(128);
                lock (gate)
                {
                    while (puts.Count < 128 && enumerator.MoveNext())
                    {
                        puts.Add(EtcdTxnOperation.Set(new EtcdPutRequest(enumerator.Current.Key, enumerator.Current.Value)));
                    }
                }
                if (puts.Count == 0)
                {
                    return;
                }
                await client.TxnAsync(new EtcdTxnRequest([], puts, []));
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => WorkerAsync()));
    }
}
