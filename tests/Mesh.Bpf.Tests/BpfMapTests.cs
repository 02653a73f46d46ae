using System.Buffers.Binary;
using Mesh.Bpf.Syscalls;
using Mesh.Testing;
using Mesh.Testing.Prerequisites;

namespace Mesh.Bpf.Tests;

[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class BpfMapTests
{
    [BpfFact]
    public void Update_ThenLookup_ReturnsValueAndDeleteRemovesIt()
    {
        using var map = BpfMap.Create(BpfMapType.Hash, 4, 8, 16, "mesh_t_hash");
        Span<byte> key = stackalloc byte[4];
        Span<byte> value = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(key, 42);
        BinaryPrimitives.WriteUInt64LittleEndian(value, 0xdeadbeef);

        map.Update(key, value);
        Span<byte> read = stackalloc byte[8];
        map.TryLookup(key, read).Should().BeTrue();
        BinaryPrimitives.ReadUInt64LittleEndian(read).Should().Be(0xdeadbeef);

        map.Delete(key).Should().BeTrue();
        map.TryLookup(key, read).Should().BeFalse();
        map.Delete(key).Should().BeFalse("an absent key counts as deleted");
    }

    [BpfFact]
    public void Update_HashFull_ThrowsWithErrnoName()
    {
        using var map = BpfMap.Create(BpfMapType.Hash, 4, 4, 1, "mesh_t_full");
        map.Update([1, 0, 0, 0], [1, 0, 0, 0]);

        var act = () => map.Update([2, 0, 0, 0], [1, 0, 0, 0]);

        act.Should().Throw<BpfException>().Which.Message.Should().Contain("BPF_MAP_UPDATE_ELEM").And.Contain("E2BIG");
    }

    [BpfFact]
    public void Update_WrongKeySize_RejectedBeforeTheSyscall()
    {
        using var map = BpfMap.Create(BpfMapType.Array, 4, 4, 1, "mesh_t_size");

        var act = () => map.Update([1, 2], [1, 0, 0, 0]);

        act.Should().Throw<ArgumentException>().WithMessage("*key is 2 bytes, map key size is 4*");
    }

    [BpfFact]
    public void Lookup_LpmTrie_LongestPrefixWins()
    {
        // struct { u32 prefixlen; u8 addr[4]; } -> u32 identity, like Cilium's ipcache.
        using var map = BpfMap.Create(BpfMapType.LpmTrie, 8, 4, 16, "mesh_t_lpm", flags: BpfMapFlags.NoPrealloc);
        map.Update(LpmKey(24, 10, 0, 0, 0), BitConverter.GetBytes(1234u));
        map.Update(LpmKey(32, 10, 0, 0, 7), BitConverter.GetBytes(999u));
        Span<byte> identity = stackalloc byte[4];

        map.TryLookup(LpmKey(32, 10, 0, 0, 7), identity).Should().BeTrue();
        BitConverter.ToUInt32(identity).Should().Be(999);
        map.TryLookup(LpmKey(32, 10, 0, 0, 8), identity).Should().BeTrue();
        BitConverter.ToUInt32(identity).Should().Be(1234);
        map.TryLookup(LpmKey(32, 10, 0, 1, 8), identity).Should().BeFalse();
    }

    private static byte[] LpmKey(uint prefixLength, byte a, byte b, byte c, byte d)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(key, prefixLength);
        key[4] = a;
        key[5] = b;
        key[6] = c;
        key[7] = d;
        return key;
    }
}
