using Mesh.Bgp.Codec.Fuzzing;
using Mesh.Bgp.Codec.Messages;
using Mesh.Testing;
using Xunit.Abstractions;

namespace Mesh.Bgp.Codec.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class BgpFuzzRunnerTests(ITestOutputHelper output)
{
    [Fact]
    public void Run_100kMutatedMessagesOnFourOctetSession_NoCrashAndRoundTripsHold()
    {
        var report = new BgpFuzzRunner(seed: 1, BgpCodecContext.Default).Run(100_000);
        output.WriteLine(report.ToString());

        report.Crashes.Should().Be(0, report.ToString());
        report.RoundTripMismatches.Should().Be(0, report.ToString());
        report.Accepted.Should().BeGreaterThan(10_000, "mutations must also reach the accepting paths");
        report.Rejected.Should().BeGreaterThan(10_000, "mutations must also reach the error paths");
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, true, false)]
    [InlineData(true, false, true)]
    [InlineData(false, false, true)]
    public void Run_30kMutatedMessagesOnOtherSessions_NoCrashAndRoundTripsHold(bool fourOctet, bool extended, bool ibgp)
    {
        var report = new BgpFuzzRunner(seed: 2, new BgpCodecContext(fourOctet, extended, ibgp)).Run(30_000);
        output.WriteLine(report.ToString());

        report.Clean.Should().BeTrue(report.ToString());
    }

    [Fact]
    public void DefaultSeeds_AllDecodeCleanly()
    {
        foreach (var seed in BgpFuzzRunner.DefaultSeeds(BgpCodecContext.Default))
        {
            BgpMessageCodec.TryDecode(seed, BgpCodecContext.Default, out _, out var error).Should().BeTrue(error?.ToString());
            error.Should().BeNull();
        }
    }

    [Fact]
    public void Run_SameSeed_IsDeterministic()
    {
        var first = new BgpFuzzRunner(seed: 7, BgpCodecContext.Default).Run(2_000);
        var second = new BgpFuzzRunner(seed: 7, BgpCodecContext.Default).Run(2_000);

        second.Should().Be(first with { FirstFailureInput = second.FirstFailureInput });
        (first.Accepted + first.Rejected + first.Crashes).Should().Be(2_000);
    }
}
