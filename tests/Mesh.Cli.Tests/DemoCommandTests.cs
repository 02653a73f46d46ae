using Mesh.Testing;

namespace Mesh.Cli.Tests;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class DemoCommandTests
{
    [Fact]
    public async Task RunAsync_ShippedExamples_EveryClusterSeesEveryOther()
    {
        var examples = Path.Combine(Mesh.Testing.RepositoryRoot.Find(), "examples");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await MeshCommandLine.RunAsync(["demo", "--examples", examples, "--timeout", "60"], output, error, CancellationToken.None);

        var text = output.ToString();
        code.Should().Be(0, text + error);
        text.Should().Contain("All clusters exported and meshed");
        foreach (var cluster in new[] { "cluster1", "cluster2", "cluster3" })
        {
            text.Should().Contain($"== what {cluster} sees");
        }
        text.Split("endpoints / ipcache (9):").Should().HaveCount(4, "each of the three clusters sees all nine exported endpoints");
        text.Split("demo/echo: backends from 3 clusters").Should().HaveCount(4);
        text.Should().NotContain("vault-0", "the internal namespace is not global");
        text.Should().NotContain("local-only", "services without the global annotation stay local");
        text.Should().Contain("cluster1: 10.96.0.10:80/TCP -> 10.1.1.10:8080 (cluster1), 10.1.2.10:8080 (cluster1)\n", "affinity=local keeps healthy local backends only");
        text.Should().Contain("cluster1: 10.96.0.10:80/TCP -> 10.2.1.10:8080 (cluster2), 10.2.2.10:8080 (cluster2), 10.3.1.10:8080 (cluster3), 10.3.2.10:8080 (cluster3)",
            "without ready local backends the remote clusters' backends are programmed");
        text.Should().Contain("cluster1 is back on its local backends");
    }

    [Fact]
    public async Task RunAsync_MissingExamples_ExplainsAndExitsTwo()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await MeshCommandLine.RunAsync(["demo", "--examples", "/nonexistent/examples"], output, error, CancellationToken.None);

        code.Should().Be(MeshCommandLine.UsageError);
        output.ToString().Should().Contain("needs at least two cluster directories");
    }
}
