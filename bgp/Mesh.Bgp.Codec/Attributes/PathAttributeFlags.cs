namespace Mesh.Bgp.Codec.Attributes;

/// <summary>Attribute Flags octet (RFC 4271 §4.3); the low four bits are unused and sent as zero.</summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "RFC 4271 names the octet 'Attribute Flags'.")]
public enum PathAttributeFlags : byte
{
    None = 0,
    ExtendedLength = 0x10,
    Partial = 0x20,
    Transitive = 0x40,
    Optional = 0x80,
}
