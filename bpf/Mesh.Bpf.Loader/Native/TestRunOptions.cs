using System.Runtime.InteropServices;

namespace Mesh.Bpf.Loader.Native;

/// <summary>libbpf's <c>struct bpf_test_run_opts</c> (80 B on 64-bit).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TestRunOptions
{
    public nuint Size;
    public nint DataIn;
    public nint DataOut;
    public uint DataSizeIn;
    public uint DataSizeOut;
    public nint ContextIn;
    public nint ContextOut;
    public uint ContextSizeIn;
    public uint ContextSizeOut;
    public uint ReturnValue;
    public int Repeat;
    public uint Duration;
    public uint Flags;
    public uint Cpu;
    public uint BatchSize;
}
