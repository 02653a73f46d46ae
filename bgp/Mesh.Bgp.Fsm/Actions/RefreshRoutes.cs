using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Fsm.Actions;

/// <summary>The peer asked for our routes of <paramref name="Family"/> again (ROUTE-REFRESH, RFC 2918 §4).</summary>
public sealed record RefreshRoutes(AfiSafi Family) : FsmAction;
