namespace Mesh.Kubernetes.Objects;

/// <summary>A Service (v1), with the annotations that make it global/shared and its affinity.</summary>
public sealed record KubeService(
    ObjectMeta Metadata,
    string Type,
    IReadOnlyList<string> ClusterIps,
    IReadOnlyList<ServicePortSpec> Ports,
    IReadOnlyDictionary<string, string>? Selector,
    string ExternalTrafficPolicy,
    IReadOnlyList<string> ExternalIps,
    IReadOnlyList<string> LoadBalancerIps,
    string SessionAffinity,
    int? SessionAffinityTimeoutSeconds) : IKubeObject
{
    public string Kind => "Service";

    /// <summary>Headless: clusterIP None (no frontends).</summary>
    public bool IsHeadless => ClusterIps.Count == 0 || ClusterIps[0] == "None";
}
