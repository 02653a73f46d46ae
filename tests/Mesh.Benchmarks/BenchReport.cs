using System.Globalization;

namespace Mesh.Benchmarks;

/// <summary>What a bench measured: rows of (metric, value, unit, reference), and whether the goals were met.</summary>
internal sealed record BenchReport(string Name, string Machine, IReadOnlyList<BenchRow> Rows, IReadOnlyList<string> Notes)
{
    public bool Passed => Rows.All(r => r.GoalMet != false);

    public void Print(TextWriter output)
    {
        output.WriteLine($"== {Name} ({Machine})");
        var width = Math.Max(10, Rows.Max(r => r.Metric.Length));
        output.WriteLine($"{"metric".PadRight(width)}  {"value",14}  {"unit",-8}  reference / goal");
        foreach (var row in Rows)
        {
            var goal = row.GoalMet switch { true => " [goal met]", false => " [GOAL MISSED]", null => string.Empty };
            output.WriteLine($"{row.Metric.PadRight(width)}  {row.Value.ToString("N2", CultureInfo.InvariantCulture),14}  {row.Unit,-8}  {row.Reference}{goal}");
        }
        foreach (var note in Notes)
        {
            output.WriteLine($"note: {note}");
        }
    }

    public static string MachineDescription() =>
        $"{Environment.ProcessorCount} cores, {Environment.OSVersion.VersionString}, .NET {Environment.Version}";
}
