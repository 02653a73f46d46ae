namespace Mesh.Kubernetes.Objects;

/// <summary><c>spec.families[]</c>: an AFI/SAFI and the selector of CiliumBGPAdvertisements advertised in it.</summary>
public sealed record BgpFamilySpec(string Afi, string Safi, LabelSelector? Advertisements);
