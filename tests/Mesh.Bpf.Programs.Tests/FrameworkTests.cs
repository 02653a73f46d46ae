using Mesh.Bpf.Loader;
using Mesh.Bpf.Programs.Tests.Framework;
using Mesh.Testing;

namespace Mesh.Bpf.Programs.Tests;

/// <summary>The runner reports failing C tests with their messages, and a rejected program names the verifier's reason.</summary>
[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class FrameworkTests
{
    private static string SelfTest(string file) => Path.Combine(BpfTestCatalog.TestsDirectory, file);

    [BpfLoaderFact]
    public void Run_FailingAssertInTestBlock_ReportsThatBlockWithValues()
    {
        var test = BpfTestCatalog.Discover(SelfTest("framework_selftest.o")).Single(t => t.Name == "selftest_failing_block");

        var outcome = BpfTestRunner.Run(test);

        outcome.Passed.Should().BeFalse();
        outcome.CheckStatus.Should().Be((uint)TestStatus.Fail);
        outcome.Suite.Results.Select(r => (r.Name, r.Status)).Should().Equal(("passing block", TestStatus.Pass), ("failing block", TestStatus.Fail));
        var failure = outcome.Suite.Results[1].Logs.Should().ContainSingle().Subject.Render();
        failure.Should().StartWith("status == 7: got 0, want 7 (").And.Contain("framework_selftest.c:");
        outcome.Describe().Should().Contain("[FAIL] failing block").And.Contain("got 0, want 7");
    }

    [BpfLoaderFact]
    public void Run_FailingAssertOutsideTestBlock_ReportsSuiteLogAndStops()
    {
        var test = BpfTestCatalog.Discover(SelfTest("framework_selftest.o")).Single(t => t.Name == "selftest_top_level_assert");

        var outcome = BpfTestRunner.Run(test);

        outcome.Passed.Should().BeFalse();
        outcome.Suite.Results.Should().BeEmpty();
        outcome.Suite.SuiteLogs.Select(l => l.Render()).Should().ContainSingle().Which.Should().StartWith("assert failed: ctx->len == 0 (");
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Unit)]
    public void Discover_SelfTestObject_GroupsStagesByName()
    {
        var tests = BpfTestCatalog.Discover(SelfTest("framework_selftest.o"));

        tests.Select(t => (t.Name, t.Pktgen, t.Setup, t.Check)).Should().Equal(
            ("selftest_failing_block", "selftest_failing_block_pktgen", null, "selftest_failing_block_check"),
            ("selftest_top_level_assert", null, null, "selftest_top_level_check"));
    }

    [BpfLoaderFact]
    public void Load_ProgramTheVerifierRejects_ThrowsWithVerifierReason()
    {
        var load = () => BpfObject.Load(SelfTest("verifier_reject.o"));

        var error = load.Should().Throw<BpfLoadException>().Which;
        error.VerifierLog.Should().Contain("invalid access to packet");
        error.Message.Should().Contain("verifier:").And.Contain("invalid access to packet");
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Unit)]
    public void Load_MissingObject_ThrowsNamingThePath()
    {
        var load = () => BpfObject.Load("/nonexistent/mesh.o");

        load.Should().Throw<BpfLoadException>().WithMessage("*/nonexistent/mesh.o*ENOENT*");
    }
}
