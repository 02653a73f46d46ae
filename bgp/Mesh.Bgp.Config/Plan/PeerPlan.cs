using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Config.Plan;

/// <summary>
/// One peer of the node: its session parameters and the routes it should be sent. With <see cref="Errors"/>
/// the plan could not be made (<see cref="Peer"/> may be null): the peer is left exactly as it runs.
/// </summary>
public sealed record PeerPlan(string Key, DesiredPeer? Peer, IReadOnlyDictionary<Prefix, PathAttributes> Routes, IReadOnlyList<ConfigIssue> Errors)
{
    public bool IsValid => Errors.Count == 0 && Peer is not null;
}
