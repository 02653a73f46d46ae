namespace Mesh.Kubernetes.Objects;

/// <summary>
/// One entry of a CiliumEndpoint's <c>status.networking.addressing</c>: its IPv4 and/or IPv6 address. A value kept
/// inline in the endpoint's array: one object fewer per pod for as long as the pod lives.
/// </summary>
public readonly record struct EndpointAddressPair(string IPv4, string IPv6);
