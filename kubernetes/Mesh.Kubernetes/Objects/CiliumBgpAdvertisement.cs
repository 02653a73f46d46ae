namespace Mesh.Kubernetes.Objects;

/// <summary>A CiliumBGPAdvertisement (cilium.io/v2): what to advertise, selected by peer configs through its labels.</summary>
public sealed record CiliumBgpAdvertisement(ObjectMeta Metadata, IReadOnlyList<BgpAdvertisementSpec> Advertisements) : IKubeObject
{
    public string Kind => "CiliumBGPAdvertisement";
}
