using Mesh.NodeAgent.LoadBalancing;

namespace Mesh.NodeAgent.Tables;

/// <summary>Primary key of a backend set: the service and the source (slice or remote cluster).</summary>
public readonly record struct BackendSetKey(ServiceName Service, string Source);
