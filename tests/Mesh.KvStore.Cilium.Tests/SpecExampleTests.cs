using System.Net;
using System.Text;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Values;
using Mesh.Testing;

namespace Mesh.KvStore.Cilium.Tests;

/// <summary>The example values of the compatibility spec (§1.3) must decode and re-encode byte for byte.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class SpecExampleTests
{
    private const string Identity = "k8s:app=baz;k8s:io.cilium.k8s.policy.cluster=cluster3;k8s:io.kubernetes.pod.namespace=bar;";
    private const string IpEntry = """{"IP":"10.244.2.74","Mask":null,"HostIP":"172.18.0.2","ID":199475,"Key":5,"Metadata":"","K8sNamespace":"bar","K8sPodName":"cep-002","K8sServiceAccount":"default"}""";
    private const string Node = """{"Name":"test-node-2","Cluster":"cluster3","IPAddresses":[{"Type":"InternalIP","IP":"172.18.0.3"},{"Type":"CiliumInternalIP","IP":"10.244.1.130"}],"IPv4AllocCIDR":{"IP":"10.244.1.0","Mask":"////AA=="},"IPv4SecondaryAllocCIDRs":null,"IPv6AllocCIDR":null,"IPv6SecondaryAllocCIDRs":null,"IPv4HealthIP":"10.244.1.153","IPv6HealthIP":"","IPv4IngressIP":"","IPv6IngressIP":"","ClusterID":3,"Source":"custom-resource","EncryptionKey":7,"Labels":{"kubernetes.io/hostname":"test-node-2"},"Annotations":null,"WireguardPubKey":"","BootID":"c1d2…"}""";
    private const string Service = """{"cluster":"cluster3","namespace":"ns-alpha","name":"echo-service","frontends":{"10.96.0.10":{"http":{"Protocol":"TCP","Port":80}}},"backends":{"10.244.1.10":{"http":{"Protocol":"TCP","Port":8080}}},"labels":{},"selector":{"app":"echo"},"includeExternal":true,"shared":true,"clusterID":3}""";
    private const string Config = """{"id":3,"capabilities":{"syncedCanaries":true,"maxConnectedClusters":255,"serviceExportsEnabled":false}}""";

    [Fact]
    public void IdentityLabels_SpecExample_RoundTripsByteForByte()
    {
        var decoded = IdentityLabels.TryDecode(Encoding.UTF8.GetBytes(Identity));

        decoded.Ok.Should().BeTrue(decoded.Error);
        decoded.Value!.Cluster.Should().Be("cluster3");
        decoded.Value!.Namespace.Should().Be("bar");
        Encoding.UTF8.GetString(decoded.Value!.Encode()).Should().Be(Identity);
    }

    [Fact]
    public void IdentityLabels_UnsortedInput_FormatsSortedByKey()
    {
        var labels = IdentityLabels.Create([
            new IdentityLabel("k8s", "io.kubernetes.pod.namespace", "bar"),
            new IdentityLabel("k8s", "app", "baz"),
            new IdentityLabel("k8s", "io.cilium.k8s.policy.cluster", "cluster3"),
        ]);

        labels.Format().Should().Be(Identity);
    }

    [Fact]
    public void IpIdentityPair_SpecExample_RoundTripsByteForByte()
    {
        var decoded = IpIdentityPairCodec.TryDecode(Encoding.UTF8.GetBytes(IpEntry));

        decoded.Ok.Should().BeTrue(decoded.Error);
        decoded.Value!.Should().Be(new IpIdentityPair
        {
            Ip = IPAddress.Parse("10.244.2.74"),
            HostIp = IPAddress.Parse("172.18.0.2"),
            Id = 199475,
            Key = 5,
            K8sNamespace = "bar",
            K8sPodName = "cep-002",
            K8sServiceAccount = "default",
        });
        Encoding.UTF8.GetString(IpIdentityPairCodec.Encode(decoded.Value!)).Should().Be(IpEntry);
    }

    [Fact]
    public void IpIdentityPair_CidrEntry_WritesBase64MaskAndPrefixKey()
    {
        var v4 = new IpIdentityPair { Ip = IPAddress.Parse("10.0.0.0"), PrefixLength = 24, HostIp = IPAddress.Parse("192.0.2.1"), Id = 16777217 };
        var v6 = new IpIdentityPair { Ip = IPAddress.Parse("fd00::"), PrefixLength = 64, Id = 2 };

        Encoding.UTF8.GetString(IpIdentityPairCodec.Encode(v4)).Should().Be("""{"IP":"10.0.0.0","Mask":"////AA==","HostIP":"192.0.2.1","ID":16777217,"Key":0,"Metadata":""}""");
        Encoding.UTF8.GetString(IpIdentityPairCodec.Encode(v6)).Should().Be("""{"IP":"fd00::","Mask":"//////////8AAAAAAAAAAA==","HostIP":"","ID":2,"Key":0,"Metadata":""}""");
        v4.PrefixString.Should().Be("10.0.0.0/24");
        IpIdentityPairCodec.TryDecode(IpIdentityPairCodec.Encode(v6)).Value.Should().Be(v6);
    }

    [Fact]
    public void IpIdentityPair_NewerFixtureWithoutMaskAndUnknownFields_Decodes()
    {
        var json = """{"IP":"10.244.2.74","HostIP":"172.18.0.2","ID":199475,"Key":0,"Metadata":"","K8sNamespace":"bar","K8sPodName":"cep-002","K8sPodUID":"1234","NamedPorts":[{"Name":"http","Port":8080,"Protocol":"TCP"}]}""";

        var decoded = IpIdentityPairCodec.TryDecode(Encoding.UTF8.GetBytes(json));

        decoded.Ok.Should().BeTrue(decoded.Error);
        decoded.Value!.PrefixLength.Should().BeNull();
        decoded.Value!.NamedPorts.Should().Equal(new NamedPort("http", 8080, "TCP"));
    }

    [Fact]
    public void ClusterNode_SpecExample_RoundTripsByteForByte()
    {
        var decoded = ClusterNodeCodec.TryDecode(Encoding.UTF8.GetBytes(Node));

        decoded.Ok.Should().BeTrue(decoded.Error);
        decoded.Value!.IPv4AllocCidr.Should().Be(IPNetwork.Parse("10.244.1.0/24"));
        decoded.Value!.ClusterId.Should().Be(3);
        decoded.Value!.KeyName.Should().Be("cluster3/test-node-2");
        Encoding.UTF8.GetString(ClusterNodeCodec.Encode(decoded.Value!)).Should().Be(Node);
    }

    [Fact]
    public void ClusterNode_StringCidrForm_DecodesAndWritesLegacyForm()
    {
        var json = """{"Name":"n","Cluster":"c","IPv4AllocCIDR":"10.244.1.0/24","IPv6AllocCIDR":"fd00:10:244:1::/64","IPv4SecondaryAllocCIDRs":["10.245.0.0/16"]}""";

        var decoded = ClusterNodeCodec.TryDecode(Encoding.UTF8.GetBytes(json));

        decoded.Ok.Should().BeTrue(decoded.Error);
        decoded.Value!.IPv6AllocCidr.Should().Be(IPNetwork.Parse("fd00:10:244:1::/64"));
        decoded.Value!.IPv4SecondaryAllocCidrs.Should().Equal(IPNetwork.Parse("10.245.0.0/16"));
        Encoding.UTF8.GetString(ClusterNodeCodec.Encode(decoded.Value!)).Should()
            .Contain("\"IPv4AllocCIDR\":{\"IP\":\"10.244.1.0\",\"Mask\":\"////AA==\"}")
            .And.Contain("\"IPv6AllocCIDR\":{\"IP\":\"fd00:10:244:1::\",\"Mask\":\"//////////8AAAAAAAAAAA==\"}");
    }

    [Fact]
    public void ClusterService_SpecExample_RoundTripsByteForByte()
    {
        var decoded = ClusterServiceCodec.TryDecode(Encoding.UTF8.GetBytes(Service));

        decoded.Ok.Should().BeTrue(decoded.Error);
        decoded.Value!.Backends!["10.244.1.10"]["http"].Should().Be(new L4Address("TCP", 8080));
        decoded.Value!.Labels.Should().NotBeNull().And.BeEmpty("{} is an empty map, not null");
        Encoding.UTF8.GetString(ClusterServiceCodec.Encode(decoded.Value!)).Should().Be(Service);
    }

    [Fact]
    public void ClusterService_ManyBackendsAndPorts_WritesMapKeysSorted()
    {
        var service = new ClusterService
        {
            Cluster = "c1",
            Namespace = "ns",
            Name = "svc",
            Frontends = new Dictionary<string, IReadOnlyDictionary<string, L4Address>> { ["10.96.0.1"] = new Dictionary<string, L4Address> { ["https"] = new("TCP", 443), ["dns"] = new("UDP", 53), [""] = new("TCP", 80) } },
            Backends = new Dictionary<string, IReadOnlyDictionary<string, L4Address>> { ["10.0.0.9"] = new Dictionary<string, L4Address>(), ["10.0.0.10"] = new Dictionary<string, L4Address>() },
            Hostnames = new Dictionary<string, string> { ["10.0.0.9"] = "pod-a" },
            Zones = new Dictionary<string, BackendZone> { ["10.0.0.9"] = new("zone-a", ["zone-a", "zone-b"]) },
            Shared = true,
            IncludeExternal = true,
            ClusterId = 1,
        };

        var json = Encoding.UTF8.GetString(ClusterServiceCodec.Encode(service));

        json.Should().Be("""{"cluster":"c1","namespace":"ns","name":"svc","frontends":{"10.96.0.1":{"":{"Protocol":"TCP","Port":80},"dns":{"Protocol":"UDP","Port":53},"https":{"Protocol":"TCP","Port":443}}},"backends":{"10.0.0.10":{},"10.0.0.9":{}},"hostnames":{"10.0.0.9":"pod-a"},"zones":{"10.0.0.9":{"zone":"zone-a","forZones":[{"name":"zone-a"},{"name":"zone-b"}]}},"labels":null,"selector":null,"includeExternal":true,"shared":true,"clusterID":1}""");
        Encoding.UTF8.GetString(ClusterServiceCodec.Encode(ClusterServiceCodec.TryDecode(Encoding.UTF8.GetBytes(json)).Value!)).Should().Be(json);
    }

    [Fact]
    public void CiliumClusterConfig_SpecExample_RoundTripsByteForByte()
    {
        var decoded = CiliumClusterConfigCodec.TryDecode(Encoding.UTF8.GetBytes(Config));

        decoded.Ok.Should().BeTrue(decoded.Error);
        decoded.Value!.Capabilities.ServiceExportsEnabled.Should().BeFalse();
        Encoding.UTF8.GetString(CiliumClusterConfigCodec.Encode(decoded.Value!)).Should().Be(Config);
    }

    [Fact]
    public void CiliumClusterConfig_OldRemoteWithoutServiceExports_DistinguishesAbsentFromFalse()
    {
        var decoded = CiliumClusterConfigCodec.TryDecode(Encoding.UTF8.GetBytes("""{"id":7,"capabilities":{"cached":true}}"""));

        decoded.Value!.Capabilities.ServiceExportsEnabled.Should().BeNull();
        decoded.Value!.Capabilities.Cached.Should().BeTrue();
        Encoding.UTF8.GetString(CiliumClusterConfigCodec.Encode(decoded.Value!)).Should().Be("""{"id":7,"capabilities":{"cached":true}}""");
    }

    [Fact]
    public void ServiceExportSpec_RoundTrip_KeepsFieldOrderAndOmitsEmpty()
    {
        var spec = new ServiceExportSpec
        {
            Cluster = "c1",
            Name = "echo",
            Namespace = "ns",
            Labels = new Dictionary<string, string> { ["tier"] = "web" },
            ExportCreationTimestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Ports = [new ServiceExportPort("http", "TCP", 80)],
            SessionAffinity = "ClientIP",
            SessionAffinityTimeoutSeconds = 10800,
        };

        var json = Encoding.UTF8.GetString(ServiceExportSpecCodec.Encode(spec));

        json.Should().Be("""{"cluster":"c1","name":"echo","namespace":"ns","labels":{"tier":"web"},"exportCreationTimestamp":"2026-01-02T03:04:05Z","ports":[{"name":"http","protocol":"TCP","port":80}],"type":"ClusterSetIP","sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800}}}""");
        var back = ServiceExportSpecCodec.TryDecode(Encoding.UTF8.GetBytes(json)).Value!;
        Encoding.UTF8.GetString(ServiceExportSpecCodec.Encode(back)).Should().Be(json);
    }

    [Fact]
    public void Encode_StringsWithHtmlAndControlCharacters_EscapesLikeGo()
    {
        var node = new ClusterNode { Name = "a<b>&c", Cluster = "c\u2028\n\u0001\"\\é" };

        var json = Encoding.UTF8.GetString(ClusterNodeCodec.Encode(node));

        json.Should().StartWith("{\"Name\":\"a\\u003cb\\u003e\\u0026c\",\"Cluster\":\"c\\u2028\\n\\u0001\\\"\\\\é\"");
        ClusterNodeCodec.TryDecode(Encoding.UTF8.GetBytes(json)).Value!.Cluster.Should().Be(node.Cluster);
    }

    [Fact]
    public void Encode_SurrogatesAndMapKeysBeyondTheBmp_LikeGo()
    {
        var node = new ClusterNode
        {
            Name = "x\U0001F600\b\f\t\r\u2029",
            Cluster = "lone\ud800 end",
            Labels = new Dictionary<string, string> { ["\U0001F600"] = "3", ["\uFF5E"] = "2", ["\u00e9"] = "1", ["a"] = "0" },
        };

        var json = Encoding.UTF8.GetString(ClusterNodeCodec.Encode(node));

        // A pair is copied as UTF-8, a lone surrogate becomes U+FFFD; Go sorts map keys by their UTF-8 bytes, which
        // puts U+FF5E before U+1F600 although UTF-16 order says otherwise.
        json.Should().StartWith("{\"Name\":\"x\U0001F600\\b\\f\\t\\r\\u2029\",\"Cluster\":\"lone\uFFFD end\"");
        json.Should().Contain("\"Labels\":{\"a\":\"0\",\"\u00e9\":\"1\",\"\uFF5E\":\"2\",\"\U0001F600\":\"3\"}");
    }

    [Fact]
    public void Decode_FieldNamesInOtherCase_MatchLikeGo()
    {
        var decoded = CiliumClusterConfigCodec.TryDecode(Encoding.UTF8.GetBytes("""{"ID":4,"Capabilities":{"SyncedCanaries":true}}"""));

        decoded.Value!.Id.Should().Be(4);
        decoded.Value!.Capabilities.SyncedCanaries.Should().BeTrue();
    }
}
