using Mesh.Grpc.Status;
using Mesh.Testing;

namespace Mesh.Grpc.Tests.Status;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class GrpcTimeoutHeaderTests
{
    public static TheoryData<TimeSpan, string> Cases => new()
    {
        { TimeSpan.Zero, "1n" },
        { TimeSpan.FromTicks(-5), "1n" },
        { TimeSpan.FromTicks(1), "100n" },
        { TimeSpan.FromMilliseconds(50), "50000000n" },
        { TimeSpan.FromMilliseconds(100), "100000u" },
        { TimeSpan.FromSeconds(5), "5000000u" },
        { TimeSpan.FromSeconds(100), "100000m" },
        { TimeSpan.FromDays(2), "172800S" },
        { TimeSpan.FromDays(3000), "4320000M" },
        { TimeSpan.FromDays(100_000), "2400000H" },
        { TimeSpan.MaxValue, "99999999H" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Format_Timeout_UsesMostPreciseUnitWithinEightDigits(TimeSpan timeout, string expected)
    {
        var header = GrpcTimeoutHeader.Format(timeout);

        header.Should().Be(expected);
        (header.Length - 1).Should().BeLessThanOrEqualTo(8);
    }

    [Fact]
    public void Format_FractionalUnit_RoundsUp()
    {
        var header = GrpcTimeoutHeader.Format(TimeSpan.FromSeconds(100) + TimeSpan.FromTicks(1));

        header.Should().Be("100001m");
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5x")]
    [InlineData("123456789S")]
    [InlineData("-5S")]
    public void TryParse_Malformed_ReturnsFalse(string value) =>
        GrpcTimeoutHeader.TryParse(value, out _).Should().BeFalse();

    [Theory]
    [InlineData("3S", 30_000_000)]
    [InlineData("2m", 20_000)]
    [InlineData("150n", 2)]
    public void TryParse_Valid_ReturnsTicks(string value, long ticks)
    {
        GrpcTimeoutHeader.TryParse(value, out var timeout).Should().BeTrue();
        timeout.Ticks.Should().Be(ticks);
    }
}
