using System.Runtime.InteropServices;

namespace Mesh.Bpf.Loader.Native;

/// <summary>libbpf's <c>struct bpf_tc_opts</c> (32 B): sz, prog_fd, flags, prog_id, handle, priority.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcOptions
{
    public nuint Size;
    public int ProgramFd;
    public uint Flags;
    public uint ProgramId;
    public uint Handle;
    public uint Priority;
    private readonly uint _pad;
}
