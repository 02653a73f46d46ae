namespace Mesh.Bgp.Codec.Capabilities;

/// <summary>RFC 6793 §3: the speaker's real (possibly 4-octet) AS number.</summary>
public sealed record FourOctetAsnCapability(uint Asn) : BgpCapability
{
    public override CapabilityCode Code => CapabilityCode.FourOctetAsn;
}
