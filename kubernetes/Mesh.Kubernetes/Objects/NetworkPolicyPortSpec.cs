namespace Mesh.Kubernetes.Objects;

/// <summary>
/// A NetworkPolicy port as written: <see cref="Protocol"/> empty means TCP; <see cref="Port"/> a number, a named
/// port, or empty for every port.
/// </summary>
public sealed record NetworkPolicyPortSpec(string Protocol, string Port, long? EndPort);
