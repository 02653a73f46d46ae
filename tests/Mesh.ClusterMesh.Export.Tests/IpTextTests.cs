using Mesh.ClusterMesh.Export.Conversion;
using Mesh.Testing;

namespace Mesh.ClusterMesh.Export.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class IpTextTests
{
    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("192.168.100.9")]
    public void IsCanonicalIPv4_FormattedAddress_True(string text)
    {
        IpText.IsCanonicalIPv4(text).Should().BeTrue();
        System.Net.IPAddress.Parse(text).ToString().Should().Be(text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0")]
    [InlineData("10.0.0.1.")]
    [InlineData("10.0.0.1.5")]
    [InlineData("010.0.0.1")]
    [InlineData("10.0.0.01")]
    [InlineData("256.0.0.1")]
    [InlineData("1..2.3")]
    [InlineData(" 10.0.0.1")]
    [InlineData("10.0.0.1 ")]
    [InlineData("1000.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("10.0.0.x")]
    public void IsCanonicalIPv4_AnythingElse_False(string text)
    {
        IpText.IsCanonicalIPv4(text).Should().BeFalse();
    }
}
