namespace Mesh.Kubernetes.Objects;

/// <summary>A CiliumBGPNodeConfigOverride (cilium.io/v2), named after the node it applies to.</summary>
public sealed record CiliumBgpNodeConfigOverride(ObjectMeta Metadata, IReadOnlyList<BgpInstanceOverrideSpec> BgpInstances) : IKubeObject
{
    public string Kind => "CiliumBGPNodeConfigOverride";
}
