using System.Net;
using Mesh.Kubernetes.Objects;

namespace Mesh.Bgp.Config;

/// <summary>
/// Everything the planner reads for one node: Cilium's BGP v2 resources, the node's CiliumNode, Services with
/// their EndpointSlices, Secrets, and the addresses of local interfaces (gathered by the host, so planning stays pure).
/// </summary>
public sealed record BgpConfigInput(string NodeName)
{
    public CiliumNode? Node { get; init; }

    public IReadOnlyList<CiliumBgpClusterConfig> ClusterConfigs { get; init; } = [];

    public IReadOnlyList<CiliumBgpPeerConfig> PeerConfigs { get; init; } = [];

    public IReadOnlyList<CiliumBgpAdvertisement> Advertisements { get; init; } = [];

    public IReadOnlyList<CiliumBgpNodeConfigOverride> NodeOverrides { get; init; } = [];

    public IReadOnlyList<KubeService> Services { get; init; } = [];

    public IReadOnlyList<EndpointSlice> EndpointSlices { get; init; } = [];

    public IReadOnlyList<KubeSecret> Secrets { get; init; } = [];

    /// <summary>Interface name → its addresses, for Interface advertisements.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IPAddress>> Interfaces { get; init; } = new Dictionary<string, IReadOnlyList<IPAddress>>();

    /// <summary>Router ID when no override sets one (e.g. <c>--router-id</c>); otherwise the node's IPv4 InternalIP.</summary>
    public IPAddress? DefaultRouterId { get; init; }

    /// <summary>Where <c>authSecretRef</c> Secrets live (Helm <c>bgpControlPlane.secretsNamespace.name</c>).</summary>
    public string SecretsNamespace { get; init; } = "kube-system";
}
