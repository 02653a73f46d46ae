using Mesh.Bgp.Codec.Attributes;
using Mesh.Testing;

namespace Mesh.Bgp.Codec.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class CommunityTests
{
    [Theory]
    [InlineData("65001:100", 0xFDE90064u)]
    [InlineData("0:0", 0u)]
    [InlineData("65535:65535", 0xFFFFFFFFu)]
    [InlineData("4259905636", 0xFDE90064u)]
    [InlineData("no-export", 0xFFFFFF01u)]
    [InlineData("no-advertise", 0xFFFFFF02u)]
    [InlineData("no-peer", 0xFFFFFF04u)]
    [InlineData("blackhole", 0xFFFF029Au)]
    [InlineData("llgr-stale", 0xFFFF0006u)]
    public void TryParse_Valid_ReturnsValue(string text, uint expected)
    {
        Community.TryParse(text, out var community).Should().BeTrue();

        community.Value.Should().Be(expected);
    }

    [Theory]
    [InlineData("65536:1")]
    [InlineData("1:65536")]
    [InlineData("a:b")]
    [InlineData("")]
    [InlineData("no-such-community")]
    [InlineData(null)]
    public void TryParse_Invalid_ReturnsFalse(string? text)
    {
        Community.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public void ToString_Community_IsHighColonLow()
    {
        Community.Create(65001, 200).ToString().Should().Be("65001:200");
        Community.NoExport.ToString().Should().Be("65535:65281");
    }

    [Theory]
    [InlineData("4200000002:1:1", 4200000002u, 1u, 1u)]
    [InlineData("65001:0:4294967295", 65001u, 0u, 4294967295u)]
    public void LargeTryParse_Valid_ReturnsParts(string text, uint global, uint local1, uint local2)
    {
        LargeCommunity.TryParse(text, out var community).Should().BeTrue();

        community.Should().Be(new LargeCommunity(global, local1, local2));
        community.ToString().Should().Be(text);
    }

    [Theory]
    [InlineData("1:2")]
    [InlineData("1:2:3:4")]
    [InlineData("4294967296:1:1")]
    [InlineData(null)]
    public void LargeTryParse_Invalid_ReturnsFalse(string? text)
    {
        LargeCommunity.TryParse(text, out _).Should().BeFalse();
    }
}
