namespace Mesh.Kubernetes.Objects;

/// <summary>One port of a Service.</summary>
public sealed record ServicePortSpec(string Name, string Protocol, int Port, int NodePort);
