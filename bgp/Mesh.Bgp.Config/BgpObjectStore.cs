using System.Net;
using Mesh.Kubernetes.Objects;
using Mesh.Kubernetes.Sources;

namespace Mesh.Bgp.Config;

/// <summary>
/// The Kubernetes objects BGP planning reads, keyed by kind and name, fed by an object source's events.
/// Not thread-safe: owned by the one loop that applies events and plans.
/// </summary>
public sealed class BgpObjectStore
{
    private readonly Dictionary<(string Kind, string Key), IKubeObject> _objects = [];

    public int Count => _objects.Count;

    /// <summary>Applies an upsert or delete; returns true when the stored set changed (and a new plan is due).</summary>
    public bool Apply(ObjectEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Item is not { } item || !IsRelevant(item))
        {
            return false;
        }
        var key = (item.Kind, item.Metadata.Key);
        if (change.Type == ObjectEventType.Delete)
        {
            return _objects.Remove(key);
        }
        if (_objects.TryGetValue(key, out var existing) && existing.Equals(item))
        {
            return false;
        }
        _objects[key] = item;
        return true;
    }

    public void Upsert(IKubeObject item) => Apply(new ObjectEvent(ObjectEventType.Upsert, item));

    /// <summary>The planner input for <paramref name="nodeName"/>.</summary>
    public BgpConfigInput ToInput(string nodeName, IPAddress? defaultRouterId = null, IReadOnlyDictionary<string, IReadOnlyList<IPAddress>>? interfaces = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        return new BgpConfigInput(nodeName)
        {
            Node = _objects.GetValueOrDefault(("CiliumNode", nodeName)) as CiliumNode,
            ClusterConfigs = [.. OfType<CiliumBgpClusterConfig>()],
            PeerConfigs = [.. OfType<CiliumBgpPeerConfig>()],
            Advertisements = [.. OfType<CiliumBgpAdvertisement>()],
            NodeOverrides = [.. OfType<CiliumBgpNodeConfigOverride>()],
            Services = [.. OfType<KubeService>()],
            EndpointSlices = [.. OfType<EndpointSlice>()],
            Secrets = [.. OfType<KubeSecret>()],
            Interfaces = interfaces ?? new Dictionary<string, IReadOnlyList<IPAddress>>(),
            DefaultRouterId = defaultRouterId,
        };
    }

    private IEnumerable<T> OfType<T>() => _objects.Values.OfType<T>();

    private static bool IsRelevant(IKubeObject item) => item is CiliumNode or CiliumBgpClusterConfig or CiliumBgpPeerConfig or CiliumBgpAdvertisement
        or CiliumBgpNodeConfigOverride or KubeService or EndpointSlice or KubeSecret;
}
