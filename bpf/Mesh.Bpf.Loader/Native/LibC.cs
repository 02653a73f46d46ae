using System.Runtime.InteropServices;

namespace Mesh.Bpf.Loader.Native;

/// <summary>The libc calls the attach path needs: interface names and network namespaces.</summary>
internal static partial class LibC
{
    /// <summary><c>CLONE_NEWNET</c>: the namespace type for <see cref="SetNamespace"/>.</summary>
    public const int NewNetworkNamespace = 0x40000000;

    [LibraryImport("libc", EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint InterfaceNameToIndex(string name);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNamespace(int fd, int type);
}
