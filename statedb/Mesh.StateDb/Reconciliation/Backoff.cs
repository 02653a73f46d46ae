namespace Mesh.StateDb.Reconciliation;

/// <summary>Exponential retry delay: <c>min · 2^(attempt-1)</c>, capped at <c>max</c>.</summary>
internal static class Backoff
{
    public static TimeSpan Delay(int attempt, TimeSpan min, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        // Past 2^40 any sane minimum is far beyond the cap; stop doubling before the ticks overflow.
        var factor = Math.Pow(2, Math.Min(attempt - 1, 40));
        var ticks = min.Ticks * factor;
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}
