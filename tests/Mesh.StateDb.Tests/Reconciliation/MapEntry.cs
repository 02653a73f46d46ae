using Mesh.StateDb.Reconciliation;

namespace Mesh.StateDb.Tests.Reconciliation;

/// <summary>A desired BPF map entry as a controller would write it.</summary>
internal sealed record MapEntry(int Id, string Value, ReconcileStatus Status = default) : IReconcilable<MapEntry>
{
    public MapEntry WithStatus(ReconcileStatus status) => this with { Status = status };
}
