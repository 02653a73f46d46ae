using System.Runtime.InteropServices;

namespace Mesh.Bpf.Syscalls;

/// <summary>Raw bpf(2) through libc's <c>syscall</c>; no libbpf needed for maps and raw programs.</summary>
internal static unsafe partial class BpfSyscall
{
    private const long SysBpfX64 = 321;
    private const long SysBpfArm64 = 280;

    private static readonly long SysBpf = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? SysBpfArm64 : SysBpfX64;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long command, void* attr, ulong size);

    /// <summary>Issues one bpf(2) call; returns the non-negative result or throws <see cref="BpfException"/>.</summary>
    public static int Invoke<TAttr>(BpfCommand command, ref TAttr attr)
        where TAttr : unmanaged
    {
        long result;
        fixed (TAttr* pointer = &attr)
        {
            result = Syscall(SysBpf, (long)command, pointer, (ulong)sizeof(TAttr));
        }
        if (result < 0)
        {
            throw new BpfException(command, Marshal.GetLastPInvokeError());
        }
        return (int)result;
    }

    /// <summary>Like <see cref="Invoke{TAttr}"/> but returns the errno instead of throwing (0 on success).</summary>
    public static int TryInvoke<TAttr>(BpfCommand command, ref TAttr attr, out int result)
        where TAttr : unmanaged
    {
        long raw;
        fixed (TAttr* pointer = &attr)
        {
            raw = Syscall(SysBpf, (long)command, pointer, (ulong)sizeof(TAttr));
        }
        if (raw < 0)
        {
            result = -1;
            return Marshal.GetLastPInvokeError();
        }
        result = (int)raw;
        return 0;
    }
}
