namespace Mesh.Bpf.Loader;

/// <summary>One BPF_PROG_TEST_RUN: the program's return value, the packet and context it left, the mean run time.</summary>
/// <param name="ReturnValue">r0; for sched_cls a TC_ACT_* verdict.</param>
/// <param name="Data">The packet after the run (it may have grown or shrunk).</param>
/// <param name="Context">The context after the run (for sched_cls a <c>struct __sk_buff</c>), or empty.</param>
/// <param name="AverageNanoseconds">Kernel-measured mean time of one run.</param>
public sealed record BpfProgramRunResult(uint ReturnValue, byte[] Data, byte[] Context, uint AverageNanoseconds);
