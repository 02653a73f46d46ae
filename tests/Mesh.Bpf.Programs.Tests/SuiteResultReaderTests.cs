using Mesh.Bpf.Programs.Tests.Framework;
using Mesh.Testing;

namespace Mesh.Bpf.Programs.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class SuiteResultReaderTests
{
    // SuiteResult{ results: [TestResult{name "t1", status FAIL, logs [Log{fmt "x=%llu", args [5]}]}], suite_logs: [Log{fmt "s"}] },
    // lengths as two-byte varints the way the C side writes them, then the zero fill of the map value.
    private static readonly byte[] Encoded =
    [
        0x0a, 0x9c, 0x00,                                   // results, length 28
        0x0a, 0x82, 0x00, (byte)'t', (byte)'1',             // name "t1"
        0x10, 102,                                          // status FAIL
        0x1a, 0x92, 0x00,                                   // test log, length 18
        0x0a, 0x86, 0x00, (byte)'x', (byte)'=', (byte)'%', (byte)'l', (byte)'l', (byte)'u',
        0x11, 5, 0, 0, 0, 0, 0, 0, 0,                       // args: fixed64 5
        0x12, 0x84, 0x00,                                   // suite log, length 4
        0x0a, 0x81, 0x00, (byte)'s',
        0, 0, 0, 0,
    ];

    [Fact]
    public void TryRead_NonMinimalLengths_DecodesTestsLogsAndArguments()
    {
        SuiteResultReader.TryRead(Encoded, out var suite, out var error).Should().BeTrue(error);

        var test = suite.Results.Should().ContainSingle().Subject;
        test.Name.Should().Be("t1");
        test.Status.Should().Be(TestStatus.Fail);
        test.Logs.Should().ContainSingle().Which.Render().Should().Be("x=5");
        suite.SuiteLogs.Should().ContainSingle().Which.Format.Should().Be("s");
    }

    [Fact]
    public void TryRead_LengthPastBuffer_FailsWithReason()
    {
        byte[] buffer = [0x0a, 0xff, 0x01, 0x0a];

        SuiteResultReader.TryRead(buffer, out _, out var error).Should().BeFalse();

        error.Should().Contain("runs past the buffer");
    }

    [Theory]
    [InlineData("a=%d b=%x", new ulong[] { ulong.MaxValue, 255 }, "a=-1 b=ff")]
    [InlineData("100%% of %lu", new ulong[] { 3 }, "100% of 3")]
    [InlineData("%llu and %llu", new ulong[] { 1 }, "1 and <missing>")]
    public void Render_PrintfConversions_UsesArgumentsInOrder(string format, ulong[] arguments, string expected) =>
        new TestLog(format, arguments).Render().Should().Be(expected);
}
