namespace Mesh.Bpf.Syscalls;

/// <summary>Program types Mesh loads (enum bpf_prog_type).</summary>
public enum BpfProgramType : uint
{
    SchedCls = 3,
    CgroupSockAddr = 18,
}
