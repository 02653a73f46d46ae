namespace Mesh.Kubernetes.Objects;

/// <summary>One entry of a CiliumEndpoint's <c>status.networking.addressing</c>: its IPv4 and/or IPv6 address.</summary>
public sealed record EndpointAddressPair(string IPv4, string IPv6);
