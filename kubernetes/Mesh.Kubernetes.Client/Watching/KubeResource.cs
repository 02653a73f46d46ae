namespace Mesh.Kubernetes.Client.Watching;

/// <summary>A resource Mesh lists and watches cluster-wide: group/version/plural and the kind of its objects.</summary>
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

    /// <summary>Every resource the clustermesh apiserver reads.</summary>
    public static IReadOnlyList<KubeResource> All { get; } =
        [Namespaces, CiliumIdentities, CiliumEndpoints, CiliumNodes, Services, EndpointSlices, ServiceExports];

    /// <summary>What the node agent reads: the apiserver's resources plus the three policy kinds it enforces.</summary>
    public static IReadOnlyList<KubeResource> NodeAgent { get; } =
        [.. All, CiliumNetworkPolicies, CiliumClusterwideNetworkPolicies, NetworkPolicies];

    /// <summary><c>v1</c> or <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The cluster-wide collection path, e.g. <c>/apis/cilium.io/v2/ciliumendpoints</c>.</summary>
    public string Path => Group.Length == 0 ? $"/api/{Version}/{Plural}" : $"/apis/{Group}/{Version}/{Plural}";

    public override string ToString() => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
