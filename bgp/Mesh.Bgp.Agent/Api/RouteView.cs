namespace Mesh.Bgp.Agent.Api;

/// <summary>One route as the control API shows it (<c>mesh bgp routes</c>); <see cref="Peer"/> is set for advertised and received routes.</summary>
public sealed record RouteView(
    string Prefix,
    string NextHop,
    long AgeSeconds,
    string? Peer,
    string Attributes,
    string AsPath,
    IReadOnlyList<string> Communities,
    IReadOnlyList<string> LargeCommunities,
    uint? LocalPreference);
