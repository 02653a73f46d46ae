namespace Mesh.Policy.Labels;

/// <summary>One identity label: source, key and value (reserved labels have an empty value).</summary>
public readonly record struct Label(string Source, string Key, string Value)
{
    /// <summary>
    /// Parses <c>source:key=value</c> (also <c>source:key</c> with an empty value, and <c>$key</c> for a reserved
    /// label). Without a source the label gets <paramref name="defaultSource"/>.
    /// </summary>
    public static Label Parse(string text, string defaultSource = LabelSources.Unspec)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var head = equals < 0 ? text : text[..equals];
        var value = equals < 0 ? string.Empty : text[(equals + 1)..];
        var (source, key) = SplitSource(head, defaultSource);
        return new Label(source, key, value);
    }

    /// <summary>
    /// Splits a selector or label key into source and key as Cilium does: <c>$host</c> is reserved, the text before
    /// the first ':' is the source, and a key without one gets <paramref name="defaultSource"/>.
    /// </summary>
    public static (string Source, string Key) SplitSource(string text, string defaultSource)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith('$'))
        {
            return (LabelSources.Reserved, text[1..]);
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (defaultSource, text) : (text[..colon], text[(colon + 1)..]);
    }

    public override string ToString() => $"{Source}:{Key}={Value}";
}
