using Mesh.StateDb.Reconciliation;

namespace Mesh.NodeAgent.Tables;

/// <summary>A desired-state row: an entry the reconciler must put into the datapath, with its reconcile status.</summary>
/// <typeparam name="TEntry">The entry (service, backend, reverse-NAT or ipcache).</typeparam>
public sealed record Desired<TEntry>(TEntry Entry, ReconcileStatus Status) : IReconcilable<Desired<TEntry>>
    where TEntry : class
{
    public Desired(TEntry entry)
        : this(entry, ReconcileStatus.Pending)
    {
    }

    public Desired<TEntry> WithStatus(ReconcileStatus status) => this with { Status = status };
}
