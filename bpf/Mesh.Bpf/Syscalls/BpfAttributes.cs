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
