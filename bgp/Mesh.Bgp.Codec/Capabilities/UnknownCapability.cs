namespace Mesh.Bgp.Codec.Capabilities;

/// <summary>A capability we do not interpret, kept opaque (RFC 5492 §3: unknown capabilities are ignored, not rejected).</summary>
public sealed record UnknownCapability(byte CodeValue, ValueArray<byte> Value) : BgpCapability
{
    public override CapabilityCode Code => (CapabilityCode)CodeValue;
}
