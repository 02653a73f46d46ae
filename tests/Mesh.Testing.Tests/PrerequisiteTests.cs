using Mesh.Testing.Prerequisites;

namespace Mesh.Testing.Tests;

public sealed class PrerequisiteTests
{
    [Fact]
    [Trait(TestCategory.Name, TestCategory.Unit)]
    public void MissingExecutables_UnknownTool_NamesIt()
    {
        Prerequisite.MissingExecutables("sh").Should().BeNull();
        Prerequisite.MissingExecutables("sh", "no-such-tool-xyz").Should().Contain("no-such-tool-xyz").And.NotContain("sh,");
    }

    [BpfFact]
    [Trait(TestCategory.Name, TestCategory.Kernel)]
    public void MissingBpf_AsRoot_ProbeLoadsAndRunsProgram()
    {
        Prerequisite.MissingBpf.Should().BeNull();
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Kernel)]
    public void MissingBpf_WhenNotRoot_ReasonNamesTheSyscallAndErrno()
    {
        // Where bpf(2) is refused the reason must say which call and why; as root it must pass.
        var reason = Prerequisite.MissingBpf;
        if (Processes.Signals.IsRoot)
        {
            reason.Should().BeNull();
        }
        else
        {
            reason.Should().MatchRegex(@"bpf\(BPF_[A-Z_]+\) failed: E[A-Z]+");
        }
    }
}
