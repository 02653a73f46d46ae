using Mesh.NodeAgent.Collections;

namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>The backends chosen for one frontend and which of them the affinity prefers.</summary>
/// <param name="Backends">Every backend the frontend may use, de-duplicated by address, local ones first.</param>
/// <param name="Preferred">The subset the affinity prefers (all of them with affinity none).</param>
public sealed record SelectedBackends(ValueList<Backend> Backends, ValueList<Backend> Preferred)
{
    public static SelectedBackends None { get; } = new(ValueList<Backend>.Empty, ValueList<Backend>.Empty);
}
