using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Capabilities;

/// <summary>RFC 4724 §3: one AFI/SAFI tuple with its "Forwarding state" (F) bit.</summary>
public sealed record GracefulRestartFamily(AfiSafi Family, bool ForwardingPreserved);
