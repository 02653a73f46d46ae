using System.Globalization;

namespace Mesh.Benchmarks;

/// <summary><c>--name value</c> pairs; unknown names are an error naming the flag.</summary>
internal sealed class BenchOptions
{
    private readonly Dictionary<string, string> _values;

    private BenchOptions(Dictionary<string, string> values) => _values = values;

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value', got '{args[i]}'");
            }
            values[args[i][2..]] = args[++i];
        }
        return new BenchOptions(values);
    }

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var text)
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : throw new ArgumentException($"--{name}: '{text}' is not a positive integer")
            : fallback;

    public string Text(string name, string fallback) => _values.GetValueOrDefault(name, fallback);
}
