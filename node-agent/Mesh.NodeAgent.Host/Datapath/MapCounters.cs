namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>
/// One map's write counters: entries written, left alone because they held the same bytes, deleted, and the time
/// programming took, wall clock and CPU (the CPU figure does not depend on how busy the machine was), and the part of
/// that CPU spent in bpf(2) itself.
/// </summary>
public sealed record MapCounters(string Map, long Written, long Skipped, long Deleted, TimeSpan ProgrammingTime, TimeSpan ProgrammingCpuTime, TimeSpan SyscallCpuTime)
{
    /// <summary>Entries written or deleted per second of programming time (0 before any write).</summary>
    public double EntriesPerSecond => ProgrammingTime > TimeSpan.Zero ? (Written + Deleted) / ProgrammingTime.TotalSeconds : 0;

    /// <summary>Entries written or deleted per CPU second of programming (0 before any write).</summary>
    public double EntriesPerCpuSecond => ProgrammingCpuTime > TimeSpan.Zero ? (Written + Deleted) / ProgrammingCpuTime.TotalSeconds : 0;
}
