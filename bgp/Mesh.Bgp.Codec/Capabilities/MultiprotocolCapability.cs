using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Capabilities;

/// <summary>RFC 4760 §8: AFI (2), reserved (1), SAFI (1).</summary>
public sealed record MultiprotocolCapability(AfiSafi Family) : BgpCapability
{
    public override CapabilityCode Code => CapabilityCode.Multiprotocol;
}
