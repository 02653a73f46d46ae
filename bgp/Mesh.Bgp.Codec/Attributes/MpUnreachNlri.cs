using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Attributes;

/// <summary>MP_UNREACH_NLRI (RFC 4760 §4); with no prefixes it is the End-of-RIB marker of the family (RFC 4724 §2).</summary>
public sealed record MpUnreachNlri(AfiSafi Family, ValueArray<Prefix> Withdrawn);
