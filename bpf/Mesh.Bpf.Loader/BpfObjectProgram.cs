using System.Runtime.InteropServices;
using Mesh.Bpf.Loader.Native;
using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf.Loader;

/// <summary>A program of a loaded object. Its descriptor belongs to the object and closes with it.</summary>
public sealed class BpfObjectProgram
{
    private readonly BpfObject _owner;

    internal BpfObjectProgram(BpfObject owner, string name, string section, BpfProgramType type, int fd)
    {
        _owner = owner;
        Name = name;
        SectionName = section;
        Type = type;
        Fd = fd;
    }

    /// <summary>The C function name.</summary>
    public string Name { get; }

    /// <summary>The ELF section, e.g. <c>tc</c> or <c>tc/test/lb4_vip/check</c>.</summary>
    public string SectionName { get; }

    public BpfProgramType Type { get; }

    public int Fd { get; }

    /// <summary>
    /// Runs the program once (or <paramref name="repeat"/> times) on <paramref name="data"/> through
    /// BPF_PROG_TEST_RUN, with an optional context (a <c>struct __sk_buff</c> for sched_cls).
    /// </summary>
    /// <param name="data">The packet (from the Ethernet header on, for sched_cls).</param>
    /// <param name="context">The context to start from; empty for none.</param>
    /// <param name="dataCapacity">Room for the output packet; at least the input length.</param>
    /// <param name="repeat">How many runs (for timing); the result is that of the last.</param>
    public unsafe BpfProgramRunResult TestRun(ReadOnlySpan<byte> data, ReadOnlySpan<byte> context = default, int dataCapacity = 0, int repeat = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repeat);
        _owner.ThrowIfDisposed();
        var dataOut = new byte[Math.Max(dataCapacity, data.Length)];
        var contextOut = new byte[context.Length];
        fixed (byte* dataIn = data)
        fixed (byte* dataOutPointer = dataOut)
        fixed (byte* contextIn = context)
        fixed (byte* contextOutPointer = contextOut)
        {
            var options = new TestRunOptions
            {
                Size = (nuint)sizeof(TestRunOptions),
                DataIn = (nint)dataIn,
                DataSizeIn = (uint)data.Length,
                DataOut = (nint)dataOutPointer,
                DataSizeOut = (uint)dataOut.Length,
                ContextIn = context.IsEmpty ? 0 : (nint)contextIn,
                ContextSizeIn = (uint)context.Length,
                ContextOut = context.IsEmpty ? 0 : (nint)contextOutPointer,
                ContextSizeOut = (uint)contextOut.Length,
                Repeat = repeat,
            };
            if (LibBpf.ProgTestRunOpts(Fd, &options) != 0)
            {
                throw BpfException.For(BpfCommand.ProgTestRun, Marshal.GetLastPInvokeError(), $"{Name} ({SectionName})");
            }
            return new BpfProgramRunResult(options.ReturnValue, dataOut.AsSpan(0, (int)options.DataSizeOut).ToArray(), contextOut, options.Duration);
        }
    }
}
