using Mesh.NodeAgent.Collections;

namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>
/// The backends one source contributes to a service: a local EndpointSlice (<see cref="IsLocal"/>) or one remote
/// cluster's shared service.
/// </summary>
/// <param name="Service">The service the backends belong to.</param>
/// <param name="Source">Unique per source: <c>k8s/&lt;slice&gt;</c> or <c>clustermesh/&lt;cluster&gt;</c>.</param>
/// <param name="ClusterId">The cluster the backends run in.</param>
/// <param name="IsLocal">True for the local cluster's own backends.</param>
/// <param name="Backends">The backends, one per address:port and port name.</param>
public sealed record ServiceBackendSet(ServiceName Service, string Source, uint ClusterId, bool IsLocal, ValueList<Backend> Backends)
{
    public const string LocalSourcePrefix = "k8s/";
    public const string RemoteSourcePrefix = "clustermesh/";

    public static string LocalSource(string sliceName) => LocalSourcePrefix + sliceName;

    public static string RemoteSource(string cluster) => RemoteSourcePrefix + cluster;
}
