namespace Mesh.Bgp.Agent.Api;

/// <summary><c>GET /v1/status</c>: the node, whether the speaker runs, and the configuration problems of the last plan.</summary>
public sealed record StatusView(string Node, bool Ready, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings);
