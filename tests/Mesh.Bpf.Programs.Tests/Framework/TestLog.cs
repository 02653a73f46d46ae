namespace Mesh.Bpf.Programs.Tests.Framework;

/// <summary>One log line of a CHECK program: a printf-style format and its integer arguments.</summary>
public sealed record TestLog(string Format, IReadOnlyList<ulong> Arguments)
{
    /// <summary>The line with <c>%llu %lu %u %d %lld %llx %x %p %%</c> replaced by the arguments in order.</summary>
    public string Render()
    {
        var text = new System.Text.StringBuilder();
        var next = 0;
        for (var i = 0; i < Format.Length; i++)
        {
            if (Format[i] != '%' || i + 1 >= Format.Length)
            {
                text.Append(Format[i]);
                continue;
            }
            if (Format[i + 1] == '%')
            {
                text.Append('%');
                i++;
                continue;
            }
            var end = i + 1;
            while (end < Format.Length && Format[end] is 'l' or 'h' or 'z')
            {
                end++;
            }
            if (end >= Format.Length)
            {
                text.Append(Format, i, Format.Length - i);
                break;
            }
            var conversion = Format[end];
            var argument = next < Arguments.Count ? Arguments[next++] : (ulong?)null;
            text.Append(argument switch
            {
                null => "<missing>",
                { } v when conversion is 'x' => v.ToString("x", System.Globalization.CultureInfo.InvariantCulture),
                { } v when conversion is 'p' => "0x" + v.ToString("x", System.Globalization.CultureInfo.InvariantCulture),
                { } v when conversion is 'd' or 'i' => unchecked((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture),
                { } v => v.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            i = end;
        }
        return text.ToString();
    }
}
