using System.Runtime.InteropServices;
using Mesh.Bpf.Loader.Native;

namespace Mesh.Bpf.Loader;

/// <summary>
/// Runs netlink work (interface lookups, <see cref="TcAttachment"/>) inside another network namespace. A network
/// namespace belongs to a thread, so each call gets a fresh OS thread that joins the namespace, runs the work and
/// ends; the caller's threads never change namespace. BPF objects and maps are not per namespace and need none of this.
/// </summary>
public static class NetworkNamespaceThread
{
    /// <summary>
    /// Runs <paramref name="work"/> in the network namespace at <paramref name="namespacePath"/> (e.g.
    /// <c>/run/netns/node1</c> or <c>/proc/PID/ns/net</c>); with null, runs it here.
    /// </summary>
    /// <exception cref="InvalidOperationException">The namespace cannot be opened or joined (the work did not run).</exception>
    public static Task<T> RunAsync<T>(string? namespacePath, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (namespacePath is null)
        {
            try
            {
                return Task.FromResult(work());
            }
            catch (Exception e)
            {
                return Task.FromException<T>(e);
            }
        }
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Join(namespacePath);
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "mesh-netns",
        };
        thread.Start();
        return done.Task;
    }

    private static void Join(string namespacePath)
    {
        using var handle = File.OpenHandle(namespacePath, FileMode.Open, FileAccess.Read);
        if (LibC.SetNamespace((int)handle.DangerousGetHandle(), LibC.NewNetworkNamespace) != 0)
        {
            throw new InvalidOperationException($"joining network namespace {namespacePath} failed: {Mesh.Bpf.Syscalls.Errno.Describe(Marshal.GetLastPInvokeError())}");
        }
    }
}
