using System.Net;
using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;
using Mesh.NodeAgent.Host.Datapath;
using Mesh.NodeAgent.IpCache;
using Mesh.NodeAgent.Tables;
using Mesh.Testing;

namespace Mesh.NodeAgent.Host.Tests;

/// <summary>
/// A round larger than one write chunk: every row lands in the map, and when the map fills up part-way through a
/// later chunk, exactly the rows from the failing entry on are reported (and retried), none written after it.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class MapChunkingTests
{
    [Fact]
    public async Task UpdateBatch_RoundOfSeveralChunks_AllWritten()
    {
        using var store = BpfMapStores.Userspace();
        using var ipcache = new ProgrammedMap(store.Open(CiliumMaps.IpCache));
        var operations = new IpCacheMapOperations(ipcache);

        var errors = await operations.UpdateBatchAsync(Rows(10_000), CancellationToken.None);

        errors.Should().BeEmpty();
        ipcache.Written.Should().Be(10_000);
        ipcache.Handle.Dump().Count.Should().Be(10_000);
    }

    [Fact]
    public async Task UpdateBatch_MapFullInTheSecondChunk_RowsFromTheFailureOnReportedNothingAfterWritten()
    {
        using var store = BpfMapStores.Userspace();
        using var ipcache = new ProgrammedMap(store.Open(CiliumMaps.IpCache with { MaxEntries = 5_000 }));
        var operations = new IpCacheMapOperations(ipcache);
        var rows = Rows(10_000);

        var errors = await operations.UpdateBatchAsync(rows, CancellationToken.None);

        ipcache.Handle.Dump().Count.Should().Be(5_000);
        errors.Should().HaveCount(5_000);
        errors.Select(e => e.Row).Should().Equal(rows.Skip(5_000));
        errors.Should().OnlyContain(e => e.Error.Contains("is full", StringComparison.Ordinal));
    }

    private static List<Desired<IpCacheEntry>> Rows(int count) =>
    [
        .. Enumerable.Range(0, count).Select(i => new Desired<IpCacheEntry>(new IpCacheEntry(
            new IPNetwork(new IPAddress([10, 1, (byte)(i >> 8), (byte)i]), 32),
            (uint)(65536 + i),
            IPAddress.Parse("192.168.0.1"),
            2,
            0,
            IpCacheSource.RemoteEndpoint))),
    ];
}
