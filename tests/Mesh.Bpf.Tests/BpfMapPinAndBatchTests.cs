using System.Buffers.Binary;
using Mesh.Bpf.Syscalls;
using Mesh.Testing;
using Mesh.Testing.Prerequisites;

namespace Mesh.Bpf.Tests;

[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class BpfMapPinAndBatchTests
{
    // BPF_MAP_TYPE_DEVMAP has no batch operations, so it exercises the single-element fallbacks.
    private const BpfMapType DevMap = (BpfMapType)14;

    [BpfFact]
    public void OpenPinned_AfterPin_SameMapIdLayoutAndContent()
    {
        using var directory = new BpffsDirectory();
        var path = directory.File("pinned");
        using var map = BpfMap.Create(BpfMapType.Hash, 4, 8, 32, "mesh_t_pin", BpfMapFlags.NoPrealloc);
        map.Update(Key(7), Value(70));
        map.Pin(path);

        using var reopened = BpfMap.OpenPinned(path);

        reopened.GetInfo().Id.Should().Be(map.GetInfo().Id);
        reopened.Type.Should().Be(BpfMapType.Hash);
        (reopened.KeySize, reopened.ValueSize, reopened.MaxEntries).Should().Be((4, 8, 32));
        reopened.Flags.Should().Be(BpfMapFlags.NoPrealloc);
        reopened.Name.Should().Be("mesh_t_pin");
        Span<byte> value = stackalloc byte[8];
        reopened.TryLookup(Key(7), value).Should().BeTrue();
        BinaryPrimitives.ReadUInt64LittleEndian(value).Should().Be(70);
    }

    [BpfFact]
    public void OpenPinned_NothingPinned_ThrowsEnoentNamingThePath()
    {
        using var directory = new BpffsDirectory();
        var path = directory.File("absent");

        var act = () => BpfMap.OpenPinned(path);

        var error = act.Should().Throw<BpfException>().Which;
        error.Errno.Should().Be(Errno.ENOENT);
        error.Message.Should().Contain("BPF_OBJ_GET").And.Contain(path);
    }

    [BpfFact]
    public void Pin_PathTaken_ThrowsEexist()
    {
        using var directory = new BpffsDirectory();
        using var first = BpfMap.Create(BpfMapType.Hash, 4, 8, 4, "mesh_t_pin1");
        using var second = BpfMap.Create(BpfMapType.Hash, 4, 8, 4, "mesh_t_pin2");
        first.Pin(directory.File("m"));

        var act = () => second.Pin(directory.File("m"));

        act.Should().Throw<BpfException>().Which.Errno.Should().Be(Errno.EEXIST);
    }

    [BpfFact]
    public void GetInfo_LpmTrieWithFlags_ReportsLayoutFlagsAndTruncatedName()
    {
        using var map = BpfMap.Create(BpfMapType.LpmTrie, 24, 24, 512, "cilium_ipcache_v2", BpfMapFlags.NoPrealloc | BpfMapFlags.ReadOnlyProg);

        var info = map.GetInfo();

        info.Type.Should().Be(BpfMapType.LpmTrie);
        (info.KeySize, info.ValueSize, info.MaxEntries).Should().Be((24, 24, 512));
        info.Flags.Should().Be(BpfMapFlags.NoPrealloc | BpfMapFlags.ReadOnlyProg);
        info.Name.Should().Be("cilium_ipcache_");
        info.Id.Should().BeGreaterThan(0);
    }

    [BpfFact]
    public void TryGetNextKey_FromEmpty_VisitsEveryKeyOnce()
    {
        using var map = BpfMap.Create(BpfMapType.Hash, 4, 8, 64, "mesh_t_iter");
        for (var i = 1u; i <= 50; i++)
        {
            map.Update(Key(i), Value(i));
        }
        var seen = new HashSet<uint>();
        Span<byte> current = stackalloc byte[4];
        Span<byte> next = stackalloc byte[4];
        var first = true;

        while (map.TryGetNextKey(first ? ReadOnlySpan<byte>.Empty : current, next))
        {
            seen.Add(BinaryPrimitives.ReadUInt32LittleEndian(next)).Should().BeTrue();
            next.CopyTo(current);
            first = false;
        }

        seen.Should().HaveCount(50).And.Contain(1).And.Contain(50);
    }

    [BpfFact]
    public void Batches_TenThousandEntries_UpdateReadAllAndDelete()
    {
        const int count = 10_000;
        using var map = BpfMap.Create(BpfMapType.Hash, 4, 8, count, "mesh_t_batch");
        var (keys, values) = Packed(count);

        map.UpdateBatch(keys, values).Should().Be(count);

        map.SupportsBatch.Should().BeTrue();
        map.CountEntries().Should().Be(count);
        var all = map.ReadAll();
        all.Count.Should().Be(count);
        for (var i = 0; i < all.Count; i++)
        {
            BinaryPrimitives.ReadUInt64LittleEndian(all.Value(i)).Should().Be(BinaryPrimitives.ReadUInt32LittleEndian(all.Key(i)) * 10);
        }
        map.DeleteBatch(keys.AsSpan(0, 4 * (count / 2))).Should().Be(count / 2);
        map.CountEntries().Should().Be(count / 2);
    }

    [BpfFact]
    public void DeleteBatch_SomeKeysAbsent_SkipsThemAndCountsOnlyPresent()
    {
        using var map = BpfMap.Create(BpfMapType.Hash, 4, 8, 16, "mesh_t_delb");
        map.Update(Key(1), Value(1));
        map.Update(Key(3), Value(3));
        var keys = new byte[4 * 4];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keys.AsSpan(i * 4), (uint)i);
        }

        map.DeleteBatch(keys).Should().Be(2);

        map.CountEntries().Should().Be(0);
    }

    [BpfFact]
    public void UpdateBatch_MoreThanMaxEntries_ReportsMapFullAndElementsApplied()
    {
        using var map = BpfMap.Create(BpfMapType.Hash, 4, 8, 100, "mesh_t_bfull");
        var (keys, values) = Packed(150);

        var act = () => map.UpdateBatch(keys, values);

        var error = act.Should().Throw<BpfException>().Which;
        error.IsMapFull.Should().BeTrue();
        error.ElementsProcessed.Should().Be(100);
        error.Message.Should().Contain("map full").And.Contain("after 100 elements").And.Contain("mesh_t_bfull");
        map.CountEntries().Should().Be(100);
    }

    [BpfFact]
    public void LpmTrie_BatchUpdateAndReadAll_Work()
    {
        using var map = BpfMap.Create(BpfMapType.LpmTrie, 8, 4, 1024, "mesh_t_lpmb", BpfMapFlags.NoPrealloc);
        var keys = new byte[8 * 256];
        var values = new byte[4 * 256];
        for (var i = 0; i < 256; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keys.AsSpan(i * 8), 24);
            keys[(i * 8) + 4] = 10;
            keys[(i * 8) + 5] = (byte)i;
            BinaryPrimitives.WriteUInt32LittleEndian(values.AsSpan(i * 4), (uint)i);
        }

        map.UpdateBatch(keys, values).Should().Be(256);

        map.ReadAll().Count.Should().Be(256);
        Span<byte> identity = stackalloc byte[4];
        map.TryLookup([32, 0, 0, 0, 10, 77, 0, 9], identity).Should().BeTrue();
        BinaryPrimitives.ReadUInt32LittleEndian(identity).Should().Be(77);
    }

    [BpfFact]
    public void Batches_MapTypeWithoutBatchOps_FallBackToSingleElementCalls()
    {
        // Values are ifindexes; 1 is the loopback device in every network namespace.
        using var map = BpfMap.Create(DevMap, 4, 4, 8, "mesh_t_devmap");
        var keys = new byte[4 * 3];
        var values = new byte[4 * 3];
        for (var i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keys.AsSpan(i * 4), (uint)i);
            BinaryPrimitives.WriteUInt32LittleEndian(values.AsSpan(i * 4), 1);
        }

        map.UpdateBatch(keys, values).Should().Be(3);

        map.SupportsBatch.Should().BeFalse();
        map.ReadAll().Count.Should().Be(3, "empty devmap slots read as absent");
        map.DeleteBatch(keys).Should().Be(3);
    }

    [BpfFact]
    public void Update_NoExistOnPresentKey_ThrowsEexist()
    {
        using var map = BpfMap.Create(BpfMapType.Hash, 4, 8, 4, "mesh_t_noex");
        map.Update(Key(1), Value(1));

        var act = () => map.Update(Key(1), Value(2), BpfUpdateFlags.NoExist);

        act.Should().Throw<BpfException>().Which.Errno.Should().Be(Errno.EEXIST);
    }

    private static byte[] Key(uint k)
    {
        var key = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(key, k);
        return key;
    }

    private static byte[] Value(ulong v)
    {
        var value = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(value, v);
        return value;
    }

    private static (byte[] Keys, byte[] Values) Packed(int count)
    {
        var keys = new byte[4 * count];
        var values = new byte[8 * count];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keys.AsSpan(i * 4), (uint)i);
            BinaryPrimitives.WriteUInt64LittleEndian(values.AsSpan(i * 8), (ulong)i * 10);
        }
        return (keys, values);
    }
}
