namespace Mesh.Bgp.Config.Plan;

/// <summary>What the node should run: instances, peers with their routes, and every problem found on the way.</summary>
public sealed record NodeBgpPlan(
    string NodeName,
    IReadOnlyList<InstancePlan> Instances,
    IReadOnlyList<PeerPlan> Peers,
    IReadOnlyList<ConfigIssue> Issues)
{
    public IEnumerable<ConfigIssue> Errors => Issues.Where(i => !i.IsWarning);

    public IEnumerable<ConfigIssue> Warnings => Issues.Where(i => i.IsWarning);
}
