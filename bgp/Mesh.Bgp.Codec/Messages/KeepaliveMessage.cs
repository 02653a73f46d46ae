namespace Mesh.Bgp.Codec.Messages;

/// <summary>KEEPALIVE: the header alone, 19 bytes (RFC 4271 §4.4).</summary>
public sealed record KeepaliveMessage : BgpMessage
{
    public static KeepaliveMessage Instance { get; } = new();

    public override BgpMessageType Type => BgpMessageType.Keepalive;
}
