namespace Mesh.Bgp.Codec.Capabilities;

/// <summary>Capability codes this codec understands (IANA "Capability Codes").</summary>
public enum CapabilityCode : byte
{
    Multiprotocol = 1,
    RouteRefresh = 2,
    ExtendedMessage = 6,
    GracefulRestart = 64,
    FourOctetAsn = 65,
    EnhancedRouteRefresh = 70,
}
