namespace Mesh.StateDb.Reconciliation;

/// <summary>Settings of one reconciler.</summary>
public sealed class ReconcilerOptions
{
    /// <summary>Names the reconciler in logs and health.</summary>
    public string Name { get; set; } = "reconciler";

    /// <summary>
    /// Apply nothing until the table is initialized, so a restarted agent never writes a partial desired state
    /// over a working datapath (the first round is then a full reconciliation).
    /// </summary>
    public bool WaitForInitialization { get; set; }

    /// <summary>How often everything is re-applied and the target pruned.</summary>
    public TimeSpan FullReconciliationInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Delay before the first retry of a failed row; doubles per failure.</summary>
    public TimeSpan RetryMinBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Cap of the retry delay.</summary>
    public TimeSpan RetryMaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most rows handed to one batch operation.</summary>
    public int MaxBatchSize { get; set; } = 65_536;

    /// <summary>Every problem with these options; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("Name must not be empty");
        }
        if (FullReconciliationInterval <= TimeSpan.Zero)
        {
            errors.Add($"FullReconciliationInterval must be positive, got {FullReconciliationInterval}");
        }
        if (RetryMinBackoff <= TimeSpan.Zero)
        {
            errors.Add($"RetryMinBackoff must be positive, got {RetryMinBackoff}");
        }
        if (RetryMaxBackoff < RetryMinBackoff)
        {
            errors.Add($"RetryMaxBackoff ({RetryMaxBackoff}) must not be below RetryMinBackoff ({RetryMinBackoff})");
        }
        if (MaxBatchSize <= 0)
        {
            errors.Add($"MaxBatchSize must be positive, got {MaxBatchSize}");
        }
        return errors;
    }
}
