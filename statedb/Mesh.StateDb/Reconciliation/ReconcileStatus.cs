namespace Mesh.StateDb.Reconciliation;

/// <summary>Where a desired-state row stands with its reconciler; <c>default</c> is <see cref="Pending"/>.</summary>
/// <param name="Kind">Pending, Done or Error.</param>
/// <param name="Error">Why the last attempt failed, for <see cref="ReconcileStatusKind.Error"/>.</param>
/// <param name="UpdatedAt">When the reconciler set this status; null for the Pending a controller writes.</param>
public readonly record struct ReconcileStatus(ReconcileStatusKind Kind, string? Error, DateTimeOffset? UpdatedAt)
{
    /// <summary>The status controllers write: no time, so recomputing an unchanged row compares equal.</summary>
    public static ReconcileStatus Pending => default;

    public static ReconcileStatus Done(DateTimeOffset at) => new(ReconcileStatusKind.Done, null, at);

    public static ReconcileStatus Failed(string error, DateTimeOffset at) => new(ReconcileStatusKind.Error, error, at);

    public override string ToString() => Kind switch
    {
        ReconcileStatusKind.Error => $"Error ({Error}) at {UpdatedAt:O}",
        ReconcileStatusKind.Done => $"Done at {UpdatedAt:O}",
        _ => "Pending",
    };
}
