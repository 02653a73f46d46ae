namespace Mesh.Kubernetes.Objects;

/// <summary>One port of an EndpointSlice.</summary>
public sealed record EndpointPortSpec(string Name, string Protocol, int Port);
