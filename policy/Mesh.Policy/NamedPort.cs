namespace Mesh.Policy;

/// <summary>A container port name of a pod (e.g. <c>http</c> → TCP 8080), for policies that name ports.</summary>
public sealed record NamedPort(string Name, byte Protocol, ushort Port);
