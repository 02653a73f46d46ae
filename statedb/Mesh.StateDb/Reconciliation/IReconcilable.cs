namespace Mesh.StateDb.Reconciliation;

/// <summary>A desired-state row that carries its own reconciliation status.</summary>
public interface IReconcilable<out TRow>
    where TRow : class
{
    ReconcileStatus Status { get; }

    /// <summary>The same row with <paramref name="status"/>; typically <c>this with { Status = status }</c>.</summary>
    TRow WithStatus(ReconcileStatus status);
}
