namespace Mesh.Bgp.Agent.Api;

/// <summary>Answer of a control API change: how many prefixes it covered, or what was wrong.</summary>
public sealed record ApiReply(bool Ok, int Count, string? Error = null);
