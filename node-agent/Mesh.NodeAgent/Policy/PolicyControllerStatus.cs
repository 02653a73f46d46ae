using Mesh.Policy;

namespace Mesh.NodeAgent.Policy;

/// <summary>What the policy controller last computed, published as one immutable snapshot.</summary>
/// <param name="Revision">The policy engine's revision.</param>
/// <param name="Identities">Identities known (reserved, local, remote and CIDR).</param>
/// <param name="Policies">Every policy seen, accepted or rejected with the reasons.</param>
/// <param name="Endpoints">Every local endpoint's enforcement and map size; degraded ones are held at their last programmed map.</param>
/// <param name="Labels">Labels by identity, for display.</param>
public sealed record PolicyControllerStatus(
    long Revision,
    int Identities,
    IReadOnlyList<PolicyStatus> Policies,
    IReadOnlyList<EndpointPolicyStatus> Endpoints,
    IReadOnlyDictionary<uint, string> Labels)
{
    public static PolicyControllerStatus Empty { get; } = new(0, 0, [], [], new Dictionary<uint, string>());

    public int Rejected => Policies.Count(p => !p.Accepted);

    public int Degraded => Endpoints.Count(e => e.Degraded);
}
