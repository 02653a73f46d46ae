namespace Mesh.Bgp.Codec.Attributes;

/// <summary>
/// An attribute this codec does not interpret, kept opaque. Optional transitive ones are re-encoded with the
/// Partial bit set (RFC 4271 §5); whether non-transitive ones are propagated is the RIB's decision.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A BGP path attribute, not a .NET attribute.")]
public sealed record UnknownAttribute(byte TypeCode, PathAttributeFlags Flags, ValueArray<byte> Value);
