using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Manifests;

/// <summary>What one manifest file contributed at its last good read: its objects with their JSON text.</summary>
internal sealed record ManifestFile(DateTime ModifiedUtc, long Length, IReadOnlyDictionary<string, (IKubeObject Object, string Json)> Objects);
