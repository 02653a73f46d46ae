namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>One map's write counters: entries written, left alone because they held the same bytes, deleted, and the time programming took.</summary>
public sealed record MapCounters(string Map, long Written, long Skipped, long Deleted, TimeSpan ProgrammingTime)
{
    /// <summary>Entries written or deleted per second of programming time (0 before any write).</summary>
    public double EntriesPerSecond => ProgrammingTime > TimeSpan.Zero ? (Written + Deleted) / ProgrammingTime.TotalSeconds : 0;
}
