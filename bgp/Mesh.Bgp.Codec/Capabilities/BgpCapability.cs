namespace Mesh.Bgp.Codec.Capabilities;

/// <summary>One capability of an OPEN's Capabilities optional parameter (RFC 5492 §4).</summary>
public abstract record BgpCapability
{
    public abstract CapabilityCode Code { get; }
}
