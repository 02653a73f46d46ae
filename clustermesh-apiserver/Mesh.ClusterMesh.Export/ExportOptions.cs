namespace Mesh.ClusterMesh.Export;

/// <summary>Who exports: the local cluster's name and ID, and the export policy knobs.</summary>
/// <param name="ClusterName">Local cluster name (written into nodes, services, canaries).</param>
/// <param name="ClusterId">Local cluster ID (1..255 or 1..511).</param>
/// <param name="DefaultGlobalNamespace">Whether namespaces without the <c>clustermesh.cilium.io/global</c> annotation are exported (Cilium: true).</param>
/// <param name="EnableServiceExports">Export MCS-API ServiceExports (Cilium: <c>--clustermesh-enable-mcs-api</c>).</param>
public sealed record ExportOptions(string ClusterName, uint ClusterId, bool DefaultGlobalNamespace = true, bool EnableServiceExports = false);
