namespace Mesh.Kubernetes.Objects;

/// <summary>A named container port (<c>status.named-ports</c>).</summary>
public sealed record NamedPortSpec(string Name, int Port, string Protocol);
