namespace Mesh.Kubernetes.Objects;

/// <summary>One of a CiliumNode's <c>spec.addresses</c>: InternalIP, ExternalIP or CiliumInternalIP.</summary>
public sealed record NodeAddressSpec(string Type, string Ip);
