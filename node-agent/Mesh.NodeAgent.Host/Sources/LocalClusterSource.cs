using System.Net;
using System.Net.Sockets;
using Mesh.ClusterMesh.Export;
using Mesh.ClusterMesh.Export.Conversion;
using Mesh.Kubernetes.Objects;
using Mesh.Kubernetes.Sources;
using Mesh.NodeAgent.Host.Policy;
using Mesh.NodeAgent.IpCache;
using Mesh.NodeAgent.LoadBalancing;
using Mesh.NodeAgent.Tables;
using Mesh.StateDb.Tables;

namespace Mesh.NodeAgent.Host.Sources;

/// <summary>
/// The local cluster's Services, EndpointSlices, CiliumEndpoints and CiliumNodes into the input tables. Endpoint
/// claims are recomputed when this node's address becomes known, since that decides which ones need no tunnel.
/// </summary>
internal sealed class LocalClusterSource
{
    private readonly AgentWriters _writers;
    private readonly IObjectSource _source;
    private readonly ExportOptions _cluster;
    private readonly string _nodeName;
    private readonly TableInitializer[] _initializers;
    private readonly Dictionary<string, BackendSetKey> _slices = [];
    private readonly Dictionary<string, CiliumEndpoint> _endpoints = [];
    private readonly Dictionary<string, IReadOnlyCollection<IpCacheClaimKey>> _claims = [];
    private readonly LocalPolicySource _policy;
    private IPAddress? _nodeIp;

    public LocalClusterSource(AgentWriters writers, IObjectSource source, string clusterName, uint clusterId, string nodeName)
    {
        _writers = writers;
        _source = source;
        _cluster = new ExportOptions(clusterName, clusterId);
        _nodeName = nodeName;
        _policy = new LocalPolicySource(writers);
        _initializers =
        [
            writers.Tables.Services.RegisterInitializer("k8s"),
            writers.Tables.BackendSets.RegisterInitializer("k8s"),
            writers.Tables.IpCacheClaims.RegisterInitializer("k8s"),
        ];
    }

    public bool Synced { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var change in _source.WatchAsync(cancellationToken).ConfigureAwait(false))
        {
            var deleted = change.Type == ObjectEventType.Delete;
            if (change.Item is { } item)
            {
                _policy.Observe(item, deleted);
            }
            switch (change.Item)
            {
                case KubeService service:
                    var name = new ServiceName(service.Metadata.Namespace, service.Metadata.Name);
                    var intent = ServiceConversion.FromKubernetes(service);
                    _writers.Services.Enqueue(tx =>
                    {
                        if (deleted)
                        {
                            tx.Delete(name);
                        }
                        else
                        {
                            tx.Insert(intent);
                        }
                    });
                    break;
                case EndpointSlice slice:
                    Slice(slice, deleted);
                    break;
                case CiliumEndpoint endpoint:
                    if (deleted)
                    {
                        _endpoints.Remove(endpoint.Metadata.Key);
                    }
                    else
                    {
                        _endpoints[endpoint.Metadata.Key] = endpoint;
                    }
                    Claim(IpCacheClaim.EndpointOwner(endpoint.Metadata.Namespace, endpoint.Metadata.Name), deleted ? [] : EndpointClaims(endpoint));
                    break;
                case CiliumNode node:
                    Node(node, deleted);
                    break;
            }
            if (change.Type == ObjectEventType.Synced && !Synced)
            {
                Synced = true;
                _policy.Synced();
                _writers.Services.Enqueue(tx => tx.MarkDone(_initializers[0]));
                _writers.BackendSets.Enqueue(tx => tx.MarkDone(_initializers[1]));
                _writers.IpCacheClaims.Enqueue(tx => tx.MarkDone(_initializers[2]));
            }
        }
    }

    private void Slice(EndpointSlice slice, bool deleted)
    {
        var sliceKey = slice.Metadata.Key;
        var set = ServiceConversion.FromEndpointSlice(slice, _cluster.ClusterId);
        var key = new BackendSetKey(set.Service, set.Source);
        var previous = _slices.GetValueOrDefault(sliceKey);
        if (deleted)
        {
            _slices.Remove(sliceKey);
        }
        else
        {
            _slices[sliceKey] = key;
        }
        _writers.BackendSets.Enqueue(tx =>
        {
            // A slice relabelled to another service leaves its old service.
            if (previous != default && (deleted || previous != key))
            {
                tx.Delete(previous);
            }
            if (!deleted)
            {
                tx.Insert(set);
            }
        });
    }

    private void Node(CiliumNode node, bool deleted)
    {
        var converted = CiliumConverters.Node(node, _cluster);
        var isThisNode = node.Metadata.Name == _nodeName;
        Claim(IpCacheClaim.NodeOwner(_cluster.ClusterName, node.Metadata.Name),
            deleted ? [] : [.. IpCacheConversion.FromNode(converted, local: true, isThisNode).Select(e => new IpCacheClaim(IpCacheClaim.NodeOwner(_cluster.ClusterName, node.Metadata.Name), e))]);
        if (isThisNode)
        {
            var address = deleted ? null : IpCacheConversion.PrimaryAddress(converted, AddressFamily.InterNetwork) ?? IpCacheConversion.PrimaryAddress(converted, AddressFamily.InterNetworkV6);
            if (!Equals(address, _nodeIp))
            {
                _nodeIp = address;
                _policy.NodeAddress(address);
                foreach (var endpoint in _endpoints.Values)
                {
                    Claim(IpCacheClaim.EndpointOwner(endpoint.Metadata.Namespace, endpoint.Metadata.Name), EndpointClaims(endpoint));
                }
            }
        }
    }

    private IpCacheClaim[] EndpointClaims(CiliumEndpoint endpoint)
    {
        var owner = IpCacheClaim.EndpointOwner(endpoint.Metadata.Namespace, endpoint.Metadata.Name);
        return [.. CiliumConverters.Endpoint(endpoint)
            .Select(pair => IpCacheConversion.FromPair(pair, _cluster.ClusterId, local: true, _nodeIp))
            .OfType<IpCacheEntry>()
            .Select(e => new IpCacheClaim(owner, e))];
    }

    private void Claim(string owner, IpCacheClaim[] claims)
    {
        var previous = _claims.GetValueOrDefault(owner) ?? [];
        if (claims.Length == 0)
        {
            _claims.Remove(owner);
        }
        else
        {
            _claims[owner] = [.. claims.Select(c => c.Key)];
        }
        _writers.ReplaceClaims(previous, claims);
    }
}
