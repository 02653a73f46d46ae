using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Manifests;

/// <summary>
/// What makes a manifest object the same object in two reads: kind, namespace and name. Three references to strings
/// the object already holds, where one concatenated key string per object was 100k more strings to make and keep.
/// The hash is computed once: every object is looked up three times (its file's table, the current set, the next read).
/// </summary>
internal readonly struct ManifestObjectKey : IEquatable<ManifestObjectKey>
{
    private readonly int _hash;

    public ManifestObjectKey(string kind, string @namespace, string name)
    {
        Kind = kind;
        Namespace = @namespace;
        Name = name;
        _hash = HashCode.Combine(StringComparer.Ordinal.GetHashCode(kind), StringComparer.Ordinal.GetHashCode(@namespace), StringComparer.Ordinal.GetHashCode(name));
    }

    public string Kind { get; }

    public string Namespace { get; }

    public string Name { get; }

    public static ManifestObjectKey Of(IKubeObject obj) => new(obj.Kind, obj.Metadata.Namespace, obj.Metadata.Name);

    public ManifestObjectKey WithNamespace(string @namespace) => new(Kind, @namespace, Name);

    public bool Equals(ManifestObjectKey other) =>
        _hash == other._hash && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && string.Equals(Namespace, other.Namespace, StringComparison.Ordinal) && string.Equals(Kind, other.Kind, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is ManifestObjectKey other && Equals(other);

    public override int GetHashCode() => _hash;
}
