namespace Mesh.ClusterMesh.Apiserver.Metrics;

/// <summary>
/// The Prometheus namespaces of spec §2.9. The apiserver process hosts both the exporter and KVStoreMesh, so each
/// meter carries its namespace as a tag and the renderer prefixes its instruments with it.
/// </summary>
public static class MetricNamespaces
{
    /// <summary>Meter tag naming the Prometheus namespace of its instruments.</summary>
    public const string TagKey = "prometheus.namespace";

    public const string Apiserver = "cilium_clustermesh_apiserver_";

    public const string KvStoreMesh = "cilium_kvstoremesh_";
}
