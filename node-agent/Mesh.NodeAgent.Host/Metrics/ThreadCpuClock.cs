using System.Runtime.InteropServices;

namespace Mesh.NodeAgent.Host.Metrics;

/// <summary>
/// CPU time of the calling thread (user + system, CLOCK_THREAD_CPUTIME_ID): what a piece of synchronous work cost,
/// independent of how busy the machine was while it ran.
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTime = 3;

    public static TimeSpan Now => ClockGetTime(ClockThreadCpuTime, out var time) == 0
        ? TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100))
        : TimeSpan.Zero;

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
