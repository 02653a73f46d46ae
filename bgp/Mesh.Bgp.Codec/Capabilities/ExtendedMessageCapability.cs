namespace Mesh.Bgp.Codec.Capabilities;

/// <summary>RFC 8654 §3: no value; when both sides send it, messages other than OPEN and KEEPALIVE may reach 65535 bytes.</summary>
public sealed record ExtendedMessageCapability : BgpCapability
{
    public override CapabilityCode Code => CapabilityCode.ExtendedMessage;
}
