namespace Mesh.NodeAgent.Policy;

/// <summary>A policy map that must exist: one per local endpoint, created even while it holds no entry.</summary>
public sealed record PolicyEndpointMap(ushort EndpointId);
