using Mesh.KvStore.Cilium.Keys;

namespace Mesh.ClusterMesh.Export.State;

/// <summary>One kvstore change: write <see cref="Value"/> at <see cref="Name"/> under the resource's prefix, or delete it (null).</summary>
public readonly record struct ExportChange(CiliumResource Resource, string Name, byte[]? Value);
