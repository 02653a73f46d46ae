namespace Mesh.Kubernetes.Objects;

/// <summary>
/// A port of a <c>toPorts</c> item as written: <see cref="Port"/> is a number or an IANA service name (empty when
/// absent), <see cref="Protocol"/> TCP, UDP, SCTP, ANY or empty.
/// </summary>
public sealed record PortProtocolSpec(string Port, long? EndPort, string Protocol);
