namespace Mesh.Bpf.Syscalls;

/// <summary>Map types Mesh uses (enum bpf_map_type).</summary>
public enum BpfMapType : uint
{
    Hash = 1,
    Array = 2,
    LpmTrie = 11,
    HashOfMaps = 13,
}
