namespace Mesh.Bpf.Syscalls;

/// <summary>The <c>map_flags</c> of BPF_MAP_CREATE (include/uapi/linux/bpf.h).</summary>
[Flags]
public enum BpfMapFlags : uint
{
    None = 0,

    /// <summary>BPF_F_NO_PREALLOC: elements are allocated on insert (required for LPM_TRIE; Cilium's CONDITIONAL_PREALLOC default).</summary>
    NoPrealloc = 1 << 0,

    /// <summary>BPF_F_NO_COMMON_LRU.</summary>
    NoCommonLru = 1 << 1,

    /// <summary>BPF_F_NUMA_NODE.</summary>
    NumaNode = 1 << 2,

    /// <summary>BPF_F_RDONLY: read-only for syscalls (user space).</summary>
    ReadOnly = 1 << 3,

    /// <summary>BPF_F_WRONLY: write-only for syscalls.</summary>
    WriteOnly = 1 << 4,

    /// <summary>BPF_F_RDONLY_PROG: programs may read but never write (Cilium's ipcache and service maps).</summary>
    ReadOnlyProg = 1 << 7,

    /// <summary>BPF_F_WRONLY_PROG.</summary>
    WriteOnlyProg = 1 << 8,
}
