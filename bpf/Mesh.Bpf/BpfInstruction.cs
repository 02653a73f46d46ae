using System.Runtime.InteropServices;

namespace Mesh.Bpf;

/// <summary>One eBPF instruction (struct bpf_insn), for the few programs we assemble by hand.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly struct BpfInstruction
{
    private const byte Alu64MovImm = 0xb7; // BPF_ALU64 | BPF_MOV | BPF_K
    private const byte JmpExit = 0x95;     // BPF_JMP | BPF_EXIT

    public BpfInstruction(byte code, byte registers, short offset, int immediate)
    {
        Code = code;
        Registers = registers;
        Offset = offset;
        Immediate = immediate;
    }

    public byte Code { get; }

    /// <summary>dst_reg in the low nibble, src_reg in the high nibble.</summary>
    public byte Registers { get; }

    public short Offset { get; }

    public int Immediate { get; }

    public static BpfInstruction MoveImmediate(byte register, int value) => new(Alu64MovImm, (byte)(register & 0x0f), 0, value);

    public static BpfInstruction Exit() => new(JmpExit, 0, 0, 0);
}
