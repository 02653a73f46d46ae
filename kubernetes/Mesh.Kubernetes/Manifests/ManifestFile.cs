using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Manifests;

/// <summary>
/// What one manifest file contributed at its last good read: its objects with a 128-bit hash of their JSON, which tells
/// a changed object from an unchanged one without keeping a copy of every object's text.
/// </summary>
internal sealed record ManifestFile(DateTime ModifiedUtc, long Length, IReadOnlyDictionary<ManifestObjectKey, (IKubeObject Object, UInt128 Content)> Objects);
