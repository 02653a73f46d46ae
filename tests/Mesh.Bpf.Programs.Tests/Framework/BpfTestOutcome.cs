using System.Globalization;
using System.Text;

namespace Mesh.Bpf.Programs.Tests.Framework;

/// <summary>How one C test went: the verdict SETUP returned, CHECK's status and what it wrote.</summary>
public sealed record BpfTestOutcome(string Name, uint Verdict, uint CheckStatus, SuiteResult Suite)
{
    public bool Passed =>
        CheckStatus == (uint)TestStatus.Pass && Suite.Results.All(r => r.Status == TestStatus.Pass);

    /// <summary>The failing TEST blocks with their logs, and the logs outside TEST blocks.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"C test {Name}: check status {StatusName(CheckStatus)}, setup verdict {Verdict}");
        foreach (var log in Suite.SuiteLogs)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  {log.Render()}");
        }
        foreach (var result in Suite.Results)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  [{StatusName((uint)result.Status)}] {result.Name}");
            foreach (var log in result.Logs)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n      {log.Render()}");
            }
        }
        return text.ToString();
    }

    private static string StatusName(uint status) =>
        Enum.IsDefined(typeof(TestStatus), (int)status) ? ((TestStatus)status).ToString().ToUpperInvariant() : status.ToString(CultureInfo.InvariantCulture);
}
