using Mesh.Bpf.Programs.Tests.Framework;
using Mesh.Testing;

namespace Mesh.Bpf.Programs.Tests;

/// <summary>Every C test under bpf/tests, each its own test case, run through BPF_PROG_RUN.</summary>
[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class CTests
{
    public static TheoryData<string, string> Tests()
    {
        var data = new TheoryData<string, string>();
        foreach (var test in BpfTestCatalog.DiscoverAll())
        {
            data.Add(Path.GetFileName(test.ObjectPath), test.Name);
        }
        return data;
    }

    [BpfTheory]
    [MemberData(nameof(Tests))]
    public void CTest_RunsPktgenSetupCheck_Passes(string file, string test)
    {
        var definition = BpfTestCatalog.Discover(Path.Combine(BpfTestCatalog.TestsDirectory, file)).Single(t => t.Name == test);

        var outcome = BpfTestRunner.Run(definition);

        outcome.Passed.Should().BeTrue(outcome.Describe());
    }
}
