namespace Mesh.Kubernetes.Objects;

/// <summary>
/// <c>spec.advertisements[]</c>: <c>advertisementType</c> (PodCIDR, CiliumPodIPPool, Service, Interface) with its
/// selector, service or interface settings and the path attributes to attach.
/// </summary>
public sealed record BgpAdvertisementSpec(
    string AdvertisementType,
    LabelSelector? Selector,
    BgpServiceAdvertisementSpec? Service,
    string InterfaceName,
    BgpRouteAttributesSpec? Attributes);
