namespace Mesh.Bpf.Maps.Dump;

/// <summary>Rows of text under column titles, rendered left-aligned like cilium-dbg's tables.</summary>
public sealed record DumpTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    private const string Gap = "   ";

    public void Render(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var widths = new int[Columns.Count];
        for (var c = 0; c < Columns.Count; c++)
        {
            widths[c] = Columns[c].Length;
        }
        foreach (var row in Rows)
        {
            for (var c = 0; c < row.Count && c < widths.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }
        WriteRow(output, Columns, widths);
        foreach (var row in Rows)
        {
            WriteRow(output, row, widths);
        }
    }

    public override string ToString()
    {
        using var writer = new StringWriter();
        Render(writer);
        return writer.ToString();
    }

    private static void WriteRow(TextWriter output, IReadOnlyList<string> cells, int[] widths)
    {
        for (var c = 0; c < cells.Count; c++)
        {
            var last = c == cells.Count - 1;
            output.Write(last ? cells[c] : cells[c].PadRight(widths[c]));
            if (!last)
            {
                output.Write(Gap);
            }
        }
        output.WriteLine();
    }
}
