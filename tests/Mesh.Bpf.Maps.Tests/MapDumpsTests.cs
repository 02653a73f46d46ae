using System.Net;
using System.Text;
using System.Text.Json;
using Mesh.Bpf.Maps.Dump;
using Mesh.Bpf.Maps.Layouts;
using Mesh.Testing;

namespace Mesh.Bpf.Maps.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class MapDumpsTests
{
    private static readonly IPAddress Vip = IPAddress.Parse("10.96.0.10");

    [Fact]
    public void LbList_ServiceWithTwoBackends_RowsLikeCiliumDbg()
    {
        var (services, backends) = KubeDns();

        var table = MapDumps.LbList(services, backends);

        table.Columns.Should().Equal("SERVICE ADDRESS", "BACKEND ADDRESS (REVNAT_ID) (SLOT)");
        table.Rows.Select(r => string.Join(" | ", r)).Should().Equal(
            "10.96.0.10:53/UDP | 0.0.0.0:0 (3) (0) [ClusterIP, non-routable]",
            " | 10.244.1.5:53/UDP (3) (1)",
            " | 10.244.2.9:53/UDP (3) (2)",
            "10.96.0.10:80/TCP/i | 0.0.0.0:0 (4) (0) [NodePort, Local, two-scopes]",
            " | backend 99 not found");
    }

    [Fact]
    public void WriteLbListJson_ServiceToEntryLines()
    {
        var (services, backends) = KubeDns();

        var json = Json(w => MapDumps.WriteLbListJson(services, backends, w));

        json.RootElement.GetProperty("10.96.0.10:53/UDP").EnumerateArray().Select(e => e.GetString()).Should().Equal(
            "0.0.0.0:0 (3) (0) [ClusterIP, non-routable]", "10.244.1.5:53/UDP (3) (1)", "10.244.2.9:53/UDP (3) (2)");
    }

    [Fact]
    public void IpCacheList_RowsLikeCiliumDbg()
    {
        var entries = Entries(
            (new IpCacheKey(IPAddress.Parse("10.1.0.0"), 16), new IpCacheValue(200, IPAddress.Parse("192.168.0.7"))),
            (IpCacheKey.Host(IPAddress.Parse("10.0.0.1"), 3), new IpCacheValue(16777217, null, 2, IpCacheFlags.SkipTunnel | IpCacheFlags.RemoteCluster)));

        var table = MapDumps.Table(MapDumps.IpCache, entries);

        table.ToString().Should().Be(
            "IP PREFIX/ADDRESS   IDENTITY\n" +
            "10.0.0.1/32@3       identity=16777217 encryptkey=2 tunnelendpoint=0.0.0.0 flags=skiptunnel,remotecluster\n" +
            "10.1.0.0/16         identity=200 encryptkey=0 tunnelendpoint=192.168.0.7 flags=hastunnel\n");
    }

    [Fact]
    public void Table_Backends_SortedByIdWithState()
    {
        var entries = Entries(
            (new LbBackendKey(10), new Lb4BackendValue(IPAddress.Parse("10.0.0.10"), 80, L4Proto.Tcp, BackendState.Terminating)),
            (new LbBackendKey(2), new Lb4BackendValue(IPAddress.Parse("10.0.0.2"), 80, L4Proto.Tcp, clusterId: 4, zone: 1)));

        var table = MapDumps.Table(MapDumps.Lb4Backends, entries);

        table.Rows.Select(r => string.Join(" | ", r)).Should().Equal(
            "2 | 10.0.0.2:80/TCP | active | 4 | 1",
            "10 | 10.0.0.10:80/TCP | terminating | 0 | 0");
    }

    [Fact]
    public void Table_ServicesAndRevNat_DecodedColumns()
    {
        var (services, _) = KubeDns();
        var revnat = Entries((new LbRevNatKey(3), new Lb4RevNatValue(Vip, 53)));

        MapDumps.Table(MapDumps.Lb4Services, services).Rows[0].Should().Equal("10.96.0.10:53/UDP", "0", "0", "2", "3", "0", "ClusterIP, non-routable");
        MapDumps.Table(MapDumps.Lb4RevNat, revnat).Rows.Single().Should().Equal("3", "10.96.0.10:53");
    }

    [Fact]
    public void WriteJson_IpCache_StructuredKeyAndValue()
    {
        var entries = Entries((new IpCacheKey(IPAddress.Parse("10.1.0.0"), 16, 2), new IpCacheValue(200, IPAddress.Parse("192.168.0.7"))));

        var json = Json(w => MapDumps.WriteJson(MapDumps.IpCache, entries, w));

        var entry = json.RootElement.EnumerateArray().Single();
        entry.GetProperty("key").GetProperty("prefix").GetString().Should().Be("10.1.0.0");
        entry.GetProperty("key").GetProperty("prefixLength").GetInt32().Should().Be(16);
        entry.GetProperty("key").GetProperty("clusterId").GetInt32().Should().Be(2);
        entry.GetProperty("value").GetProperty("identity").GetUInt32().Should().Be(200);
        entry.GetProperty("value").GetProperty("tunnelEndpoint").GetString().Should().Be("192.168.0.7");
        entry.GetProperty("value").GetProperty("flags").GetString().Should().Be("hastunnel");
    }

    [Fact]
    public void WriteJson_Services_SortedByFrontendThenSlot()
    {
        var (services, _) = KubeDns();

        var json = Json(w => MapDumps.WriteJson(MapDumps.Lb4Services, services, w));

        json.RootElement.EnumerateArray().Select(e => e.GetProperty("key").GetProperty("slot").GetInt32()).Should().Equal(0, 1, 2, 0, 1);
    }

    [Fact]
    public void Table_EntriesOfAnotherLayout_ClearError()
    {
        var entries = Entries((new LbRevNatKey(3), new Lb4RevNatValue(Vip, 53)));

        var act = () => MapDumps.Table(MapDumps.IpCache, entries);

        act.Should().Throw<ArgumentException>().WithMessage("*cilium_ipcache_v2 entries are 24/24 bytes, got 2/6*");
        FluentActions.Invoking(() => MapDumps.Table("lb5-services", entries)).Should().Throw<ArgumentException>().WithMessage("*unknown map 'lb5-services'*");
    }

    private static (BpfMapEntries Services, BpfMapEntries Backends) KubeDns()
    {
        var services = Entries(
            (new Lb4ServiceKey(Vip, 53, 2, L4Proto.Udp), LbServiceValue.ForBackendSlot(2, 3)),
            (new Lb4ServiceKey(Vip, 53, 0, L4Proto.Udp), LbServiceValue.ForService(2, 3, ServiceFlags.None)),
            (new Lb4ServiceKey(Vip, 53, 1, L4Proto.Udp), LbServiceValue.ForBackendSlot(1, 3)),
            (new Lb4ServiceKey(Vip, 80, 0, L4Proto.Tcp, ServiceScope.Internal), LbServiceValue.ForService(1, 4, ServiceFlags.NodePort | ServiceFlags.ExtLocalScope | ServiceFlags.TwoScopes | ServiceFlags.Routable)),
            (new Lb4ServiceKey(Vip, 80, 1, L4Proto.Tcp, ServiceScope.Internal), LbServiceValue.ForBackendSlot(99, 4)));
        var backends = Entries(
            (new LbBackendKey(1), new Lb4BackendValue(IPAddress.Parse("10.244.1.5"), 53, L4Proto.Udp)),
            (new LbBackendKey(2), new Lb4BackendValue(IPAddress.Parse("10.244.2.9"), 53, L4Proto.Udp)));
        return (services, backends);
    }

    private static BpfMapEntries Entries<TKey, TValue>(params (TKey Key, TValue Value)[] entries)
        where TKey : struct, IBpfLayout<TKey>
        where TValue : struct, IBpfLayout<TValue>
    {
        var keys = new byte[entries.Length * TKey.Size];
        var values = new byte[entries.Length * TValue.Size];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i].Key.Write(keys.AsSpan(i * TKey.Size));
            entries[i].Value.Write(values.AsSpan(i * TValue.Size));
        }
        return new BpfMapEntries(TKey.Size, TValue.Size, keys, values, entries.Length);
    }

    private static JsonDocument Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }
        return JsonDocument.Parse(Encoding.UTF8.GetString(stream.ToArray()));
    }
}
