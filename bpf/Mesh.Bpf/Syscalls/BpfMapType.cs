namespace Mesh.Bpf.Syscalls;

/// <summary>Map types Mesh uses or may find pinned (enum bpf_map_type).</summary>
public enum BpfMapType : uint
{
    Unspecified = 0,
    Hash = 1,
    Array = 2,
    ProgArray = 3,
    PerCpuHash = 5,
    PerCpuArray = 6,
    LruHash = 9,
    LruPerCpuHash = 10,
    LpmTrie = 11,
    ArrayOfMaps = 12,
    HashOfMaps = 13,
}
