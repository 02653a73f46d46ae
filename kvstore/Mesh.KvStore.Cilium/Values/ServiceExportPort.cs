namespace Mesh.KvStore.Cilium.Values;

/// <summary>One port of an exported service (MCS ServicePort).</summary>
public sealed record ServiceExportPort(string Name, string Protocol, int Port);
