using System.ComponentModel;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Mesh.Testing.Netns;

/// <summary>
/// Creates sockets inside a named network namespace while the code under test stays in-process: a short-lived thread
/// switches its own network namespace with setns(2) (a per-thread property), creates the socket, and switches
/// back. A socket keeps the namespace it was created in for its whole life, so binding, listening, connecting
/// and accepting later on any thread happen in that namespace. The test process itself never leaves the root
/// namespace, and nothing is configured outside the namespaces the test created.
/// </summary>
public static partial class NamespaceSockets
{
    private const int CloneNewNet = 0x40000000;

    public static Func<AddressFamily, Socket> Factory(string namespaceName) => family => Create(namespaceName, family);

    public static Socket Create(string namespaceName, AddressFamily family)
    {
        Socket? socket = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var original = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle($"/var/run/netns/{namespaceName}");
                Enter(target);
                try
                {
                    socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
                }
                finally
                {
                    Enter(original);
                }
            }
#pragma warning disable CA1031 // Rethrown on the calling thread.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = ex;
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw new InvalidOperationException($"cannot create a socket in network namespace {namespaceName}", error);
        }

        return socket!;
    }

    private static void Enter(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError());
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nsType);
}
