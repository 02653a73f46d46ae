namespace Mesh.Bgp.Agent.Api;

/// <summary>One peer as the control API shows it (<c>mesh bgp peers</c>).</summary>
public sealed record PeerView(
    string Node,
    string Name,
    uint LocalAsn,
    uint PeerAsn,
    string PeerAddress,
    string SessionState,
    long UptimeSeconds,
    IReadOnlyList<FamilyView> Families,
    string? LastError);
