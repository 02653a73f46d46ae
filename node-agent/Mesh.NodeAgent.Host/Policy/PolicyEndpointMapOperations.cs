using Mesh.NodeAgent.Policy;
using Mesh.NodeAgent.Tables;
using Mesh.StateDb.Reconciliation;

namespace Mesh.NodeAgent.Host.Policy;

/// <summary>
/// One policy map per local endpoint: created (or reused as it is after a restart) when the endpoint appears,
/// removed when it leaves; on a full reconciliation, maps of endpoints no longer on this node are removed.
/// </summary>
internal sealed class PolicyEndpointMapOperations(PolicyMapSet maps) : IReconcilerOperations<Desired<PolicyEndpointMap>>
{
    public Task UpdateAsync(Desired<PolicyEndpointMap> row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        maps.Open(row.Entry.EndpointId);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(Desired<PolicyEndpointMap> row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        maps.Remove(row.Entry.EndpointId);
        return Task.CompletedTask;
    }

    public Task PruneAsync(IReadOnlyList<Desired<PolicyEndpointMap>> desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var wanted = new HashSet<ushort>(desired.Select(r => r.Entry.EndpointId));
        foreach (var endpointId in maps.Present())
        {
            if (!wanted.Contains(endpointId))
            {
                maps.Remove(endpointId);
            }
        }
        return Task.CompletedTask;
    }
}
