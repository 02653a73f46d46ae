namespace Mesh.Benchmarks;

/// <summary>Summary statistics the benches report.</summary>
internal static class BenchStats
{
    /// <summary>The middle value (the mean of the two middle ones for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The individual measurements behind a median, for the report: "a, b, c" in <paramref name="format"/>.</summary>
    public static string List(IEnumerable<double> values, string format) =>
        string.Join(", ", values.Select(v => v.ToString(format, System.Globalization.CultureInfo.InvariantCulture)));
}
