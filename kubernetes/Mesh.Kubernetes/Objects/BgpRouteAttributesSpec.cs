namespace Mesh.Kubernetes.Objects;

/// <summary><c>attributes</c> of an advertisement: standard, well-known and large communities and LOCAL_PREF.</summary>
public sealed record BgpRouteAttributesSpec(
    IReadOnlyList<string> StandardCommunities,
    IReadOnlyList<string> WellKnownCommunities,
    IReadOnlyList<string> LargeCommunities,
    long? LocalPreference);
