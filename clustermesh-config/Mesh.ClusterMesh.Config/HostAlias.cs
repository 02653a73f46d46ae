using System.Net;

namespace Mesh.ClusterMesh.Config;

/// <summary>A static resolution of an endpoint host name (Cilium's <c>cilium-host-aliases</c>).</summary>
public sealed record HostAlias(string Hostname, IReadOnlyList<IPAddress> Ips);
