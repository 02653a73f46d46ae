using System.Text;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Values;
using Mesh.Testing;

namespace Mesh.KvStore.Cilium.Tests;

/// <summary>Values that must be rejected with an error naming the field, never an exception.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class MalformedValueTests
{
    [Theory]
    [InlineData("", "invalid JSON")]
    [InlineData("{", "invalid JSON")]
    [InlineData("[]", "value: expected an object")]
    [InlineData("""{"IP":"10.0.0.300"}""", "IP: '10.0.0.300' is not an IP address")]
    [InlineData("""{"IP":"10.0.0.1","Mask":"!!"}""", "Mask: not base64")]
    [InlineData("""{"IP":"10.0.0.1","Mask":"/wD/AA=="}""", "Mask: not a contiguous mask")]
    [InlineData("""{"IP":"10.0.0.1","Mask":5}""", "Mask: expected base64 or null")]
    [InlineData("""{"IP":"10.0.0.1","ID":-1}""", "ID: expected an unsigned integer")]
    [InlineData("""{"IP":"10.0.0.1","ID":4294967296}""", "ID: 4294967296 exceeds the maximum")]
    [InlineData("""{"IP":"10.0.0.1","Key":256}""", "Key: 256 exceeds the maximum 255")]
    [InlineData("""{"IP":"10.0.0.1","NamedPorts":[{"Name":"x","Port":70000}]}""", "NamedPorts[0].Port: 70000 exceeds")]
    [InlineData("""{"IP":7}""", "IP: expected a string")]
    public void IpIdentityPair_Malformed_ErrorNamesField(string json, string expected)
    {
        var decoded = IpIdentityPairCodec.TryDecode(Encoding.UTF8.GetBytes(json));

        decoded.Ok.Should().BeFalse();
        decoded.Error.Should().Contain(expected);
    }

    [Theory]
    [InlineData("""{"Name":"n","IPv4AllocCIDR":"10.0.0.0/33"}""", "IPv4AllocCIDR: '10.0.0.0/33' is not a CIDR")]
    [InlineData("""{"Name":"n","IPv4AllocCIDR":{"IP":"10.0.0.0","Mask":"x"}}""", "IPv4AllocCIDR.Mask: not base64")]
    [InlineData("""{"Name":"n","IPv4AllocCIDR":42}""", "IPv4AllocCIDR: expected a CIDR string or object")]
    [InlineData("""{"Name":"n","IPAddresses":[{"Type":"InternalIP","IP":"nope"}]}""", "IPAddresses[0].IP: 'nope' is not an IP address")]
    [InlineData("""{"Name":"n","Labels":{"a":1}}""", "Labels.a: expected a string")]
    [InlineData("""{"Name":"n","IPv4SecondaryAllocCIDRs":[null]}""", "IPv4SecondaryAllocCIDRs[0]: null CIDR in list")]
    public void ClusterNode_Malformed_ErrorNamesField(string json, string expected)
    {
        var decoded = ClusterNodeCodec.TryDecode(Encoding.UTF8.GetBytes(json));

        decoded.Ok.Should().BeFalse();
        decoded.Error.Should().Contain(expected);
    }

    [Theory]
    [InlineData("""{"frontends":{"10.0.0.1":{"http":{"Port":"80"}}}}""", "frontends.10.0.0.1.http.Port: expected an unsigned integer")]
    [InlineData("""{"backends":[1]}""", "backends: expected an object")]
    [InlineData("""{"shared":"yes"}""", "shared: expected a boolean")]
    public void ClusterService_Malformed_ErrorNamesField(string json, string expected)
    {
        var decoded = ClusterServiceCodec.TryDecode(Encoding.UTF8.GetBytes(json));

        decoded.Ok.Should().BeFalse();
        decoded.Error.Should().Contain(expected);
    }

    [Theory]
    [InlineData("", "empty label string")]
    [InlineData("k8s:app", "'k8s:app' is not source:key=value")]
    [InlineData("app=web;", "'app=web' is not source:key=value")]
    [InlineData("k8s:=web;", "has an empty key")]
    public void IdentityLabels_Malformed_ErrorNamesLabel(string text, string expected)
    {
        var decoded = IdentityLabels.TryDecode(Encoding.UTF8.GetBytes(text));

        decoded.Ok.Should().BeFalse();
        decoded.Error.Should().Contain(expected);
    }

    [Fact]
    public void IdentityLabels_InvalidUtf8_Rejected()
    {
        IdentityLabels.TryDecode(new byte[] { 0x6b, 0xff, 0x3a }).Error.Should().Contain("not valid UTF-8");
    }
}
