namespace Mesh.Kubernetes.Objects;

/// <summary><c>enableDefaultDeny</c>: per direction, null when not written.</summary>
public sealed record DefaultDenySpec(bool? Ingress, bool? Egress);
