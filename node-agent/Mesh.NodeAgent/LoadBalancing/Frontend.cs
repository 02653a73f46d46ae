namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>One address:port of a local Service; <see cref="PortName"/> matches it with backend ports.</summary>
public sealed record Frontend(L3L4Address Address, string PortName, FrontendType Type);
