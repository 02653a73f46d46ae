using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Manifests;

/// <summary>What one manifest file contributed at its last good read: its objects with their JSON (UTF-8), which tells a changed object from an unchanged one.</summary>
internal sealed record ManifestFile(DateTime ModifiedUtc, long Length, IReadOnlyDictionary<string, (IKubeObject Object, byte[] Json)> Objects);
