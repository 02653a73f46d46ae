namespace Mesh.Bpf;

/// <summary>What BPF_PROG_TEST_RUN reports: the program's return value, output length and mean run time.</summary>
/// <param name="ReturnValue">The program's r0 (for sched_cls a TC_ACT_* verdict).</param>
/// <param name="OutputLength">Bytes the kernel wrote to the output packet buffer.</param>
/// <param name="AverageNanoseconds">Kernel-measured mean time of one run.</param>
public readonly record struct BpfTestRunResult(uint ReturnValue, int OutputLength, uint AverageNanoseconds);
