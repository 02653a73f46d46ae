namespace Mesh.StateDb.Reconciliation;

/// <summary>What a reconciler reports to health checks and metrics.</summary>
/// <param name="Name">The reconciler's name (<see cref="ReconcilerOptions.Name"/>).</param>
/// <param name="Level">Degraded while any row or the last prune is failing.</param>
/// <param name="PendingCount">Rows taken up by the round in progress.</param>
/// <param name="ErrorCount">Rows currently failing and waiting for a retry.</param>
/// <param name="PruneFailing">Whether the last prune failed.</param>
/// <param name="LastError">The most recent failure, kept after recovery for diagnosis.</param>
/// <param name="LastErrorAt">When <paramref name="LastError"/> happened.</param>
/// <param name="UpdateCount">Successful row updates since start.</param>
/// <param name="DeleteCount">Successful row deletions since start.</param>
/// <param name="PruneCount">Successful prunes since start.</param>
/// <param name="FailureCount">Failed row operations and prunes since start.</param>
/// <param name="LastFullReconciliation">When the last full reconciliation finished.</param>
public sealed record ReconcilerHealth(
    string Name,
    HealthLevel Level,
    int PendingCount,
    int ErrorCount,
    bool PruneFailing,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    long UpdateCount,
    long DeleteCount,
    long PruneCount,
    long FailureCount,
    DateTimeOffset? LastFullReconciliation);
