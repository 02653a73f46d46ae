using System.Diagnostics;

namespace Mesh.Testing.Processes;

/// <summary>Kills every still-running child when the test host exits, so an aborted run leaves no daemon behind.</summary>
internal static class ChildProcessRegistry
{
    private static readonly HashSet<Process> Children = [];

    static ChildProcessRegistry() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    public static void Track(Process process)
    {
        lock (Children)
        {
            Children.Add(process);
        }
    }

    public static void Forget(Process process)
    {
        lock (Children)
        {
            Children.Remove(process);
        }
    }

    private static void KillAll()
    {
        Process[] remaining;
        lock (Children)
        {
            remaining = [.. Children];
        }
        foreach (var process in remaining)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }
}
