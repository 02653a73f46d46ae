using System.Net;

namespace Mesh.NodeAgent.LoadBalancerMaps;

/// <summary>The desired reverse-NAT entry: index → the VIP and port a reply's source is rewritten to.</summary>
public sealed record LbRevNatEntry(ushort Index, IPAddress Address, ushort Port);
