using Mesh.Policy.Cidr;
using Mesh.Policy.Labels;

namespace Mesh.Policy.Selection;

/// <summary>
/// One compiled requirement of an <see cref="IdentitySelector"/>: source and key (source <c>any</c> matches every
/// source), operator and sorted values. A <c>cidr:</c> key is matched by prefix containment.
/// </summary>
public sealed class SelectorRequirement
{
    private readonly CidrPrefix? _cidr;

    public SelectorRequirement(string source, string key, SelectorOperator op, IEnumerable<string>? values = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(key);
        Source = source;
        Key = key;
        Operator = op;
        var sorted = values is null ? [] : values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Values = sorted;
        _cidr = source == LabelSources.Cidr && CidrPrefix.TryParse(key, out var prefix) ? prefix : null;
        Text = op switch
        {
            SelectorOperator.In when sorted.Length == 1 => $"{source}:{key}={sorted[0]}",
            SelectorOperator.In => $"{source}:{key} in ({string.Join(",", sorted)})",
            SelectorOperator.NotIn => $"{source}:{key} notin ({string.Join(",", sorted)})",
            SelectorOperator.Exists => $"{source}:{key}",
            _ => $"!{source}:{key}",
        };
    }

    public string Source { get; }

    public string Key { get; }

    public SelectorOperator Operator { get; }

    public IReadOnlyList<string> Values { get; }

    /// <summary>Canonical text, e.g. <c>k8s:app=web</c>, <c>any:tier in (a,b)</c>, <c>!cidr:10.96.0.0/12</c>.</summary>
    public string Text { get; }

    /// <summary>True when the requirement names <paramref name="key"/> with a <c>k8s</c> or <c>any</c> source.</summary>
    internal bool IsK8sKey(string key) => Key == key && Source is LabelSources.K8s or LabelSources.Any;

    public bool Matches(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var present = labels.Has(Source, Key, _cidr);
        return Operator switch
        {
            SelectorOperator.Exists => present,
            SelectorOperator.DoesNotExist => !present,
            SelectorOperator.In => present && Contains(labels.Get(Source, Key)),
            _ => !present || !Contains(labels.Get(Source, Key)),
        };
    }

    private bool Contains(string value)
    {
        var values = (string[])Values;
        for (var i = 0; i < values.Length; i++)
        {
            if (string.Equals(values[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    public override string ToString() => Text;
}
