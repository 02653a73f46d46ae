namespace Mesh.Bgp.Codec.Capabilities;

/// <summary>RFC 7313 §3: no value; enables BoRR/EoRR ROUTE-REFRESH subtypes.</summary>
public sealed record EnhancedRouteRefreshCapability : BgpCapability
{
    public override CapabilityCode Code => CapabilityCode.EnhancedRouteRefresh;
}
