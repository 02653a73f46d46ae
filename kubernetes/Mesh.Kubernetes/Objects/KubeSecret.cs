namespace Mesh.Kubernetes.Objects;

/// <summary>A Secret (v1): <c>data</c> decoded from base64, merged with <c>stringData</c> (which wins, as on the API server).</summary>
public sealed record KubeSecret(ObjectMeta Metadata, IReadOnlyDictionary<string, byte[]> Data) : IKubeObject
{
    public string Kind => "Secret";
}
