namespace Mesh.Bgp.Agent.Api;

/// <summary>Body of <c>POST /v1/routes</c> and <c>POST /v1/routes/delete</c>: prefixes and, for additions, communities ("a:b", well-known names, "a:b:c").</summary>
public sealed record RoutesChange(IReadOnlyList<string> Prefixes, IReadOnlyList<string>? Communities = null);
