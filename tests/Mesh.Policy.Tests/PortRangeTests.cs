using Mesh.Policy.Computation;
using Mesh.Testing;

namespace Mesh.Policy.Tests;

/// <summary>Spec §3.4: port ranges as maximal aligned power-of-two LPM prefixes.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class PortRangeTests
{
    [Theory]
    [InlineData(8080, 8095, "8080/12")]
    [InlineData(80, 444, "80/12 96/11 128/9 256/9 384/11 416/12 432/13 440/14 444/16")]
    [InlineData(1024, 65535, "1024/6 2048/5 4096/4 8192/3 16384/2 32768/1")]
    [InlineData(5400, 5499, "5400/13 5408/11 5440/11 5472/12 5488/13 5496/14")]
    [InlineData(0, 0, "0/0")]
    [InlineData(0, 65535, "0/0")]
    [InlineData(443, 0, "443/16")]
    [InlineData(443, 443, "443/16")]
    [InlineData(443, 80, "443/16")]
    [InlineData(65535, 65535, "65535/16")]
    public void ToMaskedPorts_Range_ExpectedBlocks(int start, int end, string expected)
    {
        var keys = new List<PortKey>();

        PortRange.ToMaskedPorts(6, (ushort)start, (ushort)end, keys);

        string.Join(" ", keys.Select(k => $"{k.Port}/{k.Prefix}")).Should().Be(expected);
    }

    [Fact]
    public void ToMaskedPorts_RandomRanges_ExactCoverWithoutOverlap()
    {
        var random = new Random(7);
        var keys = new List<PortKey>();
        for (var i = 0; i < 2000; i++)
        {
            var start = random.Next(1, 65536);
            var end = random.Next(start, 65536);
            keys.Clear();

            PortRange.ToMaskedPorts(17, (ushort)start, (ushort)end, keys);

            var covered = keys.Sum(k => 1L << (16 - k.Prefix));
            covered.Should().Be(end - start + 1);
            keys.Should().OnlyContain(k => k.Port >= start && k.Port + (1 << (16 - k.Prefix)) - 1 <= end);
            keys.Should().OnlyContain(k => k.Prefix == 16 || (k.Port & ((1 << (16 - k.Prefix)) - 1)) == 0, "blocks are aligned");
        }
    }

    [Theory]
    [InlineData(6, 8080, 12, 6, 8085, 16, true)]
    [InlineData(6, 8080, 12, 6, 8096, 16, false)]
    [InlineData(6, 8080, 12, 17, 8085, 16, false)]
    [InlineData(0, 0, 0, 17, 53, 16, true)]
    [InlineData(6, 0, 0, 6, 22, 16, true)]
    [InlineData(6, 22, 16, 6, 0, 0, false)]
    [InlineData(6, 5408, 11, 6, 5432, 16, true)]
    public void PortKey_Covers_BroaderOrEqual(byte p1, int port1, int prefix1, byte p2, int port2, int prefix2, bool expected)
    {
        new PortKey(p1, (ushort)port1, (byte)prefix1).Covers(new PortKey(p2, (ushort)port2, (byte)prefix2)).Should().Be(expected);
    }
}
