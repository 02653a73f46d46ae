namespace Mesh.Bgp.Codec.Nlri;

/// <summary>Subsequent Address Family Identifier (RFC 4760 §6).</summary>
public enum Safi : byte
{
    Unicast = 1,
}
