namespace Mesh.Bgp.Agent.Reconciliation;

/// <summary>What one reconciliation did, by peer key ("instance/peer").</summary>
public sealed record ReconcileResult(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Reset,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> RoutesUpdated,
    IReadOnlyList<string> KeptBecauseInvalid)
{
    public bool IsEmpty => Added.Count + Reset.Count + Removed.Count + RoutesUpdated.Count == 0;
}
