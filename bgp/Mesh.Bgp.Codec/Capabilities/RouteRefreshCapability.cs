namespace Mesh.Bgp.Codec.Capabilities;

/// <summary>RFC 2918 §3: no value.</summary>
public sealed record RouteRefreshCapability : BgpCapability
{
    public override CapabilityCode Code => CapabilityCode.RouteRefresh;
}
