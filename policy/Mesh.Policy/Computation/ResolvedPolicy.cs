using Mesh.Policy.Rules;

namespace Mesh.Policy.Computation;

/// <summary>
/// The policy of one subject identity (spec §3.1 step 2), shared by every local endpoint with that identity:
/// per-direction enforcement and allow-all, the filters, and an index from selector to the filters using it.
/// </summary>
internal sealed class ResolvedPolicy(uint subject)
{
    public uint Subject { get; } = subject;

    public bool IngressEnforced { get; set; }

    public bool EgressEnforced { get; set; }

    /// <summary>Direction not enforced, or only non-default-deny rules: an allow-all key for the direction.</summary>
    public bool IngressAllowAll { get; set; }

    public bool EgressAllowAll { get; set; }

    public List<Filter> Filters { get; } = [];

    public Dictionary<CachedSelector, List<int>> FiltersBySelector { get; } = [];

    public List<int> WildcardFilters { get; } = [];

    public HashSet<ushort> Endpoints { get; } = [];

    public List<PolicyOrigin> Rules { get; } = [];

    public bool HasNamedPorts { get; set; }

    public bool AllowAll(TrafficDirection direction) => direction == TrafficDirection.Ingress ? IngressAllowAll : EgressAllowAll;
}
