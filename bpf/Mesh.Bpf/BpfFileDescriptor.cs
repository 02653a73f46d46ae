using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Bpf;

/// <summary>Owns a map or program file descriptor and closes it exactly once.</summary>
public sealed partial class BpfFileDescriptor : SafeHandleZeroOrMinusOneIsInvalid
{
    public BpfFileDescriptor() : base(ownsHandle: true)
    {
    }

    internal BpfFileDescriptor(int fd) : base(ownsHandle: true) => SetHandle(fd);

    /// <summary>The raw descriptor, for attrs that take an fd.</summary>
    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => Close((int)handle) == 0;

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
