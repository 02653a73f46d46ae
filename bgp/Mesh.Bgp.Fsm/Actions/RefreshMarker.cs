using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Fsm.Actions;

/// <summary>
/// The peer began (BoRR) or ended (EoRR) an enhanced route refresh of <paramref name="Family"/> (RFC 7313 §4):
/// mark its routes of the family stale at the beginning, drop the ones still stale at the end.
/// </summary>
public sealed record RefreshMarker(AfiSafi Family, bool Begin) : FsmAction;
