namespace Mesh.StateDb.Reconciliation;

public enum HealthLevel
{
    Ok = 0,

    /// <summary>Some rows (or the last prune) failed and are being retried.</summary>
    Degraded = 1,
}
