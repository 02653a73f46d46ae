using System.Runtime.InteropServices;

namespace Mesh.Bpf.Syscalls;

// Prefixes of union bpf_attr for the commands we issue. The kernel accepts a shorter attr as long as
// every byte it does not know about is zero, so each struct stops after the last field we set.

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MapCreateAttr
{
    public uint MapType;
    public uint KeySize;
    public uint ValueSize;
    public uint MaxEntries;
    public uint MapFlags;
    public uint InnerMapFd;
    public uint NumaNode;
    public fixed byte MapName[16];
}

[StructLayout(LayoutKind.Sequential)]
internal struct MapElemAttr
{
    public uint MapFd;
    private readonly uint _pad;
    public ulong Key;
    public ulong ValueOrNextKey;
    public ulong Flags;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ProgLoadAttr
{
    public uint ProgType;
    public uint InsnCount;
    public ulong Insns;
    public ulong License;
    public uint LogLevel;
    public uint LogSize;
    public ulong LogBuf;
    public uint KernVersion;
    public uint ProgFlags;
    public fixed byte ProgName[16];
}

[StructLayout(LayoutKind.Sequential)]
internal struct ProgTestRunAttr
{
    public uint ProgFd;
    public uint Retval;
    public uint DataSizeIn;
    public uint DataSizeOut;
    public ulong DataIn;
    public ulong DataOut;
    public uint Repeat;
    public uint Duration;
    public uint CtxSizeIn;
    public uint CtxSizeOut;
    public ulong CtxIn;
    public ulong CtxOut;
    public uint Flags;
    public uint Cpu;
    public uint BatchSize;
    private readonly uint _pad;
}

[StructLayout(LayoutKind.Sequential)]
internal struct ObjPinAttr
{
    public ulong PathName;
    public uint BpfFd;
    public uint FileFlags;
}

/// <summary>The batch view of bpf_attr (56 B): in_batch@0, out_batch@8, keys@16, values@24, count@32, map_fd@36, elem_flags@40, flags@48.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MapBatchAttr
{
    public ulong InBatch;
    public ulong OutBatch;
    public ulong Keys;
    public ulong Values;
    public uint Count;
    public uint MapFd;
    public ulong ElemFlags;
    public ulong Flags;
}

/// <summary>The info view of bpf_attr (16 B): bpf_fd@0, info_len@4, info@8.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ObjGetInfoAttr
{
    public uint BpfFd;
    public uint InfoLen;
    public ulong Info;
}

/// <summary>
/// Prefix of struct bpf_map_info up to btf_value_type_id. The kernel copies min(info_len, its size), so newer
/// kernels with more fields and older ones without the BTF ids both work.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MapInfoRaw
{
    public uint Type;
    public uint Id;
    public uint KeySize;
    public uint ValueSize;
    public uint MaxEntries;
    public uint MapFlags;
    public fixed byte Name[16];
    public uint Ifindex;
    public uint BtfVmlinuxValueTypeId;
    public ulong NetnsDev;
    public ulong NetnsIno;
    public uint BtfId;
    public uint BtfKeyTypeId;
    public uint BtfValueTypeId;
    private readonly uint _pad;
}
