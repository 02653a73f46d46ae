using Mesh.Testing;

namespace Mesh.Cli.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class MeshCommandLineTests
{
    [Fact]
    public async Task RunAsync_Help_ListsCommandsAndExitsZero()
    {
        var (code, output, _) = await RunAsync("--help");

        code.Should().Be(0);
        output.Should().Contain("version");
    }

    [Fact]
    public async Task RunAsync_Version_PrintsVersionAndCommit()
    {
        var (code, output, _) = await RunAsync("version");

        code.Should().Be(0);
        output.Should().MatchRegex(@"^mesh \d+\.\d+\.\d+ \(commit ([0-9a-f]+|unknown)\)");
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("version", "--bogus")]
    public async Task RunAsync_UnknownCommandOrFlag_ExitsTwoWithMessage(params string[] args)
    {
        var (code, _, error) = await RunAsync(args);

        code.Should().Be(MeshCommandLine.UsageError);
        error.Should().Contain("Unrecognized command or argument").And.Contain(args[^1]);
    }

    [Fact]
    public async Task RunAsync_NoCommand_ShowsHelpAndExitsTwo()
    {
        var (code, output, _) = await RunAsync();

        code.Should().Be(MeshCommandLine.UsageError);
        output.Should().Contain("Commands:");
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MeshCommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
