using System.Text;
using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf;

/// <summary>A loaded program: raw-instruction load (with the verifier log on failure) and BPF_PROG_TEST_RUN.</summary>
public sealed class BpfProgram : IDisposable
{
    private const int VerifierLogSize = 64 * 1024;

    private BpfProgram(BpfFileDescriptor descriptor) => Descriptor = descriptor;

    public BpfFileDescriptor Descriptor { get; }

    public static unsafe BpfProgram Load(BpfProgramType type, ReadOnlySpan<BpfInstruction> instructions, string name, string license = "GPL")
    {
        if (instructions.IsEmpty)
        {
            throw new ArgumentException("a program needs at least one instruction", nameof(instructions));
        }
        var licenseBytes = Encoding.ASCII.GetBytes(license + "\0");
        var log = new byte[VerifierLogSize];
        fixed (BpfInstruction* insns = instructions)
        fixed (byte* lic = licenseBytes)
        fixed (byte* logBuffer = log)
        {
            var attr = new ProgLoadAttr
            {
                ProgType = (uint)type,
                InsnCount = (uint)instructions.Length,
                Insns = (ulong)insns,
                License = (ulong)lic,
                LogLevel = 1,
                LogSize = VerifierLogSize,
                LogBuf = (ulong)logBuffer,
            };
            BpfMap.CopyName(name, attr.ProgName);
            var errno = BpfSyscall.TryInvoke(BpfCommand.ProgLoad, ref attr, out var fd);
            if (errno != 0)
            {
                var end = Array.IndexOf(log, (byte)0);
                throw new BpfException(BpfCommand.ProgLoad, errno, Encoding.ASCII.GetString(log, 0, end < 0 ? log.Length : end));
            }
            return new BpfProgram(new BpfFileDescriptor(fd));
        }
    }

    /// <summary>Runs the program on <paramref name="packet"/> in the kernel (BPF_PROG_TEST_RUN).</summary>
    public unsafe BpfTestRunResult TestRun(ReadOnlySpan<byte> packet, Span<byte> packetOut, int repeat = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repeat);
        fixed (byte* input = packet)
        fixed (byte* output = packetOut)
        {
            var attr = new ProgTestRunAttr
            {
                ProgFd = (uint)Descriptor.Fd,
                DataSizeIn = (uint)packet.Length,
                DataIn = (ulong)input,
                DataSizeOut = (uint)packetOut.Length,
                DataOut = packetOut.IsEmpty ? 0 : (ulong)output,
                Repeat = (uint)repeat,
            };
            BpfSyscall.Invoke(BpfCommand.ProgTestRun, ref attr);
            return new BpfTestRunResult(attr.Retval, (int)attr.DataSizeOut, attr.Duration);
        }
    }

    public void Dispose() => Descriptor.Dispose();
}
