using System.Runtime.InteropServices;

namespace Mesh.Bpf.Loader.Native;

/// <summary>libbpf's <c>struct bpf_tc_hook</c> (24 B): sz, ifindex, attach_point, parent.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcHook
{
    public nuint Size;
    public int InterfaceIndex;
    public int AttachPoint;
    public uint Parent;
    private readonly uint _pad;
}
