namespace Mesh.Bgp.Codec.Messages;

/// <summary>A decoded BGP message; encode and decode with <see cref="BgpMessageCodec"/>.</summary>
public abstract record BgpMessage
{
    public abstract BgpMessageType Type { get; }
}
