namespace Mesh.Bgp.Codec.Messages;

/// <summary>The validated fixed header (RFC 4271 §4.1): total message length and type.</summary>
public readonly record struct BgpMessageHeader(int Length, BgpMessageType Type);
