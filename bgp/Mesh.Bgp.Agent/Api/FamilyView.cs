namespace Mesh.Bgp.Agent.Api;

/// <summary>Received and advertised prefixes of one family of a peer ("ipv4/unicast").</summary>
public sealed record FamilyView(string Family, int Received, int Advertised);
