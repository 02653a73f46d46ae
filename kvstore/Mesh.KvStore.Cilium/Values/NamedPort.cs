namespace Mesh.KvStore.Cilium.Values;

/// <summary>A named container port published with an endpoint's ipcache entry.</summary>
public sealed record NamedPort(string Name, ushort Port, string Protocol);
