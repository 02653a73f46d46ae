using System.Net;

namespace Mesh.Bgp.Config.Plan;

/// <summary>A BGP instance on the node: its AS, router ID and the port it listens on (null: it only connects out).</summary>
public sealed record InstancePlan(string Name, uint LocalAsn, IPAddress RouterId, int? LocalPort);
