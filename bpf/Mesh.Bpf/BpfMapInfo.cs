using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf;

/// <summary>What BPF_OBJ_GET_INFO_BY_FD reports about a map; <c>Name</c> is the kernel's copy, at most 15 characters.</summary>
public readonly record struct BpfMapInfo(BpfMapType Type, uint Id, int KeySize, int ValueSize, int MaxEntries, BpfMapFlags Flags, string Name);
