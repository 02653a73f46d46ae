namespace Mesh.Bgp.Codec.Attributes;

/// <summary>AS_PATH segment types (RFC 4271 §4.3, RFC 5065 §3 for the confederation types).</summary>
public enum AsPathSegmentType : byte
{
    AsSet = 1,
    AsSequence = 2,
    AsConfedSequence = 3,
    AsConfedSet = 4,
}
