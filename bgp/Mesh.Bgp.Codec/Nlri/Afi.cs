namespace Mesh.Bgp.Codec.Nlri;

/// <summary>Address Family Identifier (IANA "Address Family Numbers").</summary>
public enum Afi : ushort
{
    IPv4 = 1,
    IPv6 = 2,
}
