using System.Net;
using System.Text;
using Mesh.ClusterMesh.Export.Conversion;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.Kubernetes.Objects;
using Mesh.Testing;

namespace Mesh.ClusterMesh.Export.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class CiliumConvertersTests
{
    [Theory]
    [InlineData("10.244.2.74", "172.18.0.2", "", false)]
    [InlineData("10.244.2.74", "", "default", false)]
    [InlineData("10.0.0.1", "172.18.0.2", "sa", true)]
    [InlineData("fd00::10:1", "172.18.0.2", "", false)]
    [InlineData("10.0.0.1", "fd00::2", "", false)]
    [InlineData("10.0.0.1", "not an address", "", true)]
    [InlineData("10.0.0.1", "::ffff:172.18.0.2", "", false)]
    public void EndpointValue_SameBytesAsTheParsedEntryEncoded(string address, string nodeIp, string serviceAccount, bool namedPorts)
    {
        var endpoint = new CiliumEndpoint(
            new ObjectMeta("pod-<1>", "ns-\"a\"", new Dictionary<string, string>(), new Dictionary<string, string>()),
            65537,
            [new EndpointAddressPair(address.Contains(':') ? string.Empty : address, address.Contains(':') ? address : string.Empty)],
            nodeIp,
            3,
            namedPorts ? [new NamedPortSpec("http", 8080, "TCP"), new NamedPortSpec("dns", 53, "UDP")] : [],
            serviceAccount);

        var direct = CiliumConverters.EndpointValue(endpoint, address);

        var parsed = IpIdentityPairCodec.Encode(CiliumConverters.EndpointEntry(endpoint, IPAddress.Parse(address))!);
        Encoding.UTF8.GetString(direct!).Should().Be(Encoding.UTF8.GetString(parsed));
    }

    [Fact]
    public void EndpointValue_WithoutIdentity_Null()
    {
        var endpoint = new CiliumEndpoint(
            new ObjectMeta("pod", "ns", new Dictionary<string, string>(), new Dictionary<string, string>()),
            null,
            [new EndpointAddressPair("10.0.0.1", string.Empty)],
            "172.18.0.2",
            0,
            [],
            string.Empty);

        CiliumConverters.EndpointValue(endpoint, "10.0.0.1").Should().BeNull();
    }
}
