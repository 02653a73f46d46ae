using System.Text.RegularExpressions;
using Mesh.Bpf.Loader;

namespace Mesh.Bpf.Programs.Tests.Framework;

/// <summary>
/// Finds the C tests in the objects built from bpf/tests: programs in sections
/// <c>&lt;progtype&gt;/test/&lt;name&gt;/{pktgen,setup,check}</c>, grouped by name; every test needs a check.
/// Reading sections opens the ELF through libbpf without loading it, so discovery needs no privileges.
/// </summary>
public static partial class BpfTestCatalog
{
    public static string TestsDirectory => Path.Combine(AppContext.BaseDirectory, "bpf-tests");

    public static string ProgramsDirectory => Path.Combine(AppContext.BaseDirectory, "bpf");

    public static IReadOnlyList<BpfTestDefinition> Discover(string objectPath)
    {
        var stages = new SortedDictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (name, section) in BpfObject.ReadProgramSections(objectPath))
        {
            var match = TestSection().Match(section);
            if (!match.Success)
            {
                continue;
            }
            var test = match.Groups[1].Value;
            if (!stages.TryGetValue(test, out var programs))
            {
                stages[test] = programs = [];
            }
            if (!programs.TryAdd(match.Groups[2].Value, name))
            {
                throw new InvalidOperationException($"{objectPath}: test {test} has two {match.Groups[2].Value} programs");
            }
        }
        var tests = new List<BpfTestDefinition>();
        foreach (var (test, programs) in stages)
        {
            if (!programs.TryGetValue("check", out var check))
            {
                throw new InvalidOperationException($"{objectPath}: test {test} has no check program");
            }
            tests.Add(new BpfTestDefinition(objectPath, test, programs.GetValueOrDefault("pktgen"), programs.GetValueOrDefault("setup"), check));
        }
        return tests;
    }

    /// <summary>Objects built from bpf/tests/selftest: the framework's own checks (meant to fail) and a verifier reject.</summary>
    public static readonly IReadOnlySet<string> SelfTestObjects = new HashSet<string>(StringComparer.Ordinal) { "framework_selftest.o", "verifier_reject.o" };

    /// <summary>Every datapath test in <see cref="TestsDirectory"/> (self-test objects excluded), by object then name.</summary>
    public static IReadOnlyList<BpfTestDefinition> DiscoverAll() =>
        [.. Directory.EnumerateFiles(TestsDirectory, "*.o")
            .Where(path => !SelfTestObjects.Contains(Path.GetFileName(path)))
            .Order(StringComparer.Ordinal)
            .SelectMany(Discover)];

    [GeneratedRegex("^[^/]+/test/([^/]+)/(pktgen|setup|check)$")]
    private static partial Regex TestSection();
}
