using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Manifests;

/// <summary>
/// What makes a manifest object the same object in two reads: kind, namespace and name. Three references to strings
/// the object already holds, where one concatenated key string per object was 100k more strings to make and keep.
/// </summary>
internal readonly record struct ManifestObjectKey(string Kind, string Namespace, string Name)
{
    public static ManifestObjectKey Of(IKubeObject obj) => new(obj.Kind, obj.Metadata.Namespace, obj.Metadata.Name);
}
