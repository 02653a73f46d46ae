namespace Mesh.Kubernetes.Client.Watching;

/// <summary>
/// A resource Mesh lists and watches: group/version/plural and the kind of its objects, cluster-wide or, with
/// <see cref="Namespace"/>, in one namespace only (Secrets: only the namespace the BGP auth secrets live in).
/// </summary>
public sealed record KubeResource(string Group, string Version, string Plural, string Kind)
{
    public static readonly KubeResource Namespaces = new(string.Empty, "v1", "namespaces", "Namespace");
    public static readonly KubeResource Services = new(string.Empty, "v1", "services", "Service");
    public static readonly KubeResource EndpointSlices = new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice");
    public static readonly KubeResource CiliumIdentities = new("cilium.io", "v2", "ciliumidentities", "CiliumIdentity");
    public static readonly KubeResource CiliumEndpoints = new("cilium.io", "v2", "ciliumendpoints", "CiliumEndpoint");
    public static readonly KubeResource CiliumNodes = new("cilium.io", "v2", "ciliumnodes", "CiliumNode");
    public static readonly KubeResource ServiceExports = new("multicluster.x-k8s.io", "v1alpha1", "serviceexports", "ServiceExport");
    public static readonly KubeResource CiliumNetworkPolicies = new("cilium.io", "v2", "ciliumnetworkpolicies", "CiliumNetworkPolicy");
    public static readonly KubeResource CiliumClusterwideNetworkPolicies = new("cilium.io", "v2", "ciliumclusterwidenetworkpolicies", "CiliumClusterwideNetworkPolicy");
    public static readonly KubeResource NetworkPolicies = new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy");
    public static readonly KubeResource BgpClusterConfigs = new("cilium.io", "v2", "ciliumbgpclusterconfigs", "CiliumBGPClusterConfig");
    public static readonly KubeResource BgpPeerConfigs = new("cilium.io", "v2", "ciliumbgppeerconfigs", "CiliumBGPPeerConfig");
    public static readonly KubeResource BgpAdvertisements = new("cilium.io", "v2", "ciliumbgpadvertisements", "CiliumBGPAdvertisement");
    public static readonly KubeResource BgpNodeConfigOverrides = new("cilium.io", "v2", "ciliumbgpnodeconfigoverrides", "CiliumBGPNodeConfigOverride");

    /// <summary>Every resource the clustermesh apiserver reads.</summary>
    public static IReadOnlyList<KubeResource> All { get; } =
        [Namespaces, CiliumIdentities, CiliumEndpoints, CiliumNodes, Services, EndpointSlices, ServiceExports];

    /// <summary>What the node agent reads: the apiserver's resources plus the three policy kinds it enforces.</summary>
    public static IReadOnlyList<KubeResource> NodeAgent { get; } =
        [.. All, CiliumNetworkPolicies, CiliumClusterwideNetworkPolicies, NetworkPolicies];

    /// <summary>
    /// What the BGP control plane reads: its four CiliumBGP* kinds, the CiliumNodes (pod CIDRs, labels), the Services
    /// and EndpointSlices it advertises, and the Secrets of <paramref name="secretsNamespace"/> (session passwords).
    /// </summary>
    public static IReadOnlyList<KubeResource> Bgp(string secretsNamespace) =>
    [
        BgpClusterConfigs, BgpPeerConfigs, BgpAdvertisements, BgpNodeConfigOverrides, CiliumNodes, Services, EndpointSlices,
        new(string.Empty, "v1", "secrets", "Secret") { Namespace = secretsNamespace },
    ];

    /// <summary>Only this namespace's objects; null: every namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary><c>v1</c> or <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The collection path, e.g. <c>/apis/cilium.io/v2/ciliumendpoints</c> or <c>/api/v1/namespaces/kube-system/secrets</c>.</summary>
    public string Path
    {
        get
        {
            var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
            return Namespace is null ? $"{root}/{Plural}" : $"{root}/namespaces/{Namespace}/{Plural}";
        }
    }

    public override string ToString() => (Group.Length == 0 ? Plural : $"{Plural}.{Group}") + (Namespace is null ? string.Empty : $" in {Namespace}");
}
