namespace Mesh.Kubernetes.Objects;

/// <summary>The metadata Mesh uses from any Kubernetes object.</summary>
public sealed record ObjectMeta(
    string Name,
    string Namespace,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    string ResourceVersion = "",
    DateTimeOffset? CreationTimestamp = null)
{
    /// <summary><c>namespace/name</c>, or just the name for cluster-scoped objects.</summary>
    public string Key => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
