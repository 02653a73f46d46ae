namespace Mesh.Kubernetes.Objects;

/// <summary>A Kubernetes object Mesh reads; identified by its kind and <see cref="ObjectMeta.Key"/>.</summary>
public interface IKubeObject
{
    ObjectMeta Metadata { get; }

    /// <summary>The object's kind, e.g. "CiliumEndpoint".</summary>
    string Kind { get; }
}
