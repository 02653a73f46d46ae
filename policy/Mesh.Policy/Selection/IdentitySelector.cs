using Mesh.Kubernetes.Objects;
using Mesh.Policy.Labels;

namespace Mesh.Policy.Selection;

/// <summary>
/// A compiled label selector over identity labels: every requirement must hold; none at all is the wildcard
/// (every identity, rendered as identity 0 in the map). <see cref="Key"/> is canonical, so equal selectors from
/// different rules share one selector-cache entry.
/// </summary>
public sealed class IdentitySelector : IEquatable<IdentitySelector>
{
    private readonly SelectorRequirement[] _requirements;

    public IdentitySelector(IEnumerable<SelectorRequirement> requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        var unique = new Dictionary<string, SelectorRequirement>(StringComparer.Ordinal);
        foreach (var requirement in requirements)
        {
            unique.TryAdd(requirement.Text, requirement);
        }
        _requirements = [.. unique.Values.OrderBy(r => r.Text, StringComparer.Ordinal)];
        Key = _requirements.Length == 0 ? "<all>" : string.Join("&", _requirements.Select(r => r.Text));
        foreach (var requirement in _requirements)
        {
            if (requirement.Operator == SelectorOperator.In && requirement.Values.Count == 1 && requirement.IsK8sKey(WellKnownLabels.Namespace))
            {
                Namespace = requirement.Values[0];
            }
        }
    }

    /// <summary>Selects every identity.</summary>
    public static IdentitySelector Wildcard { get; } = new([]);

    public IReadOnlyList<SelectorRequirement> Requirements => _requirements;

    public bool IsWildcard => _requirements.Length == 0;

    /// <summary>The one namespace this selector requires, or null; used to index the selector cache.</summary>
    public string? Namespace { get; }

    public string Key { get; }

    /// <summary>A selector on one label, e.g. <c>reserved:host</c> Exists.</summary>
    public static IdentitySelector Exists(string source, string key) => new([new SelectorRequirement(source, key, SelectorOperator.Exists)]);

    /// <summary>
    /// Compiles a metav1.LabelSelector: keys without a source get <paramref name="defaultSource"/> (Cilium policies
    /// use <c>any</c>, Kubernetes NetworkPolicy <c>k8s</c>); <paramref name="extra"/> requirements are ANDed.
    /// </summary>
    public static IdentitySelector From(LabelSelector selector, string defaultSource, IEnumerable<SelectorRequirement>? extra = null) =>
        new(Compile(selector, defaultSource, keyPrefix: string.Empty).Concat(extra ?? []));

    /// <summary>The requirements of a metav1.LabelSelector, each key prefixed with <paramref name="keyPrefix"/> after its source.</summary>
    internal static List<SelectorRequirement> Compile(LabelSelector selector, string defaultSource, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var requirements = new List<SelectorRequirement>(selector.MatchLabels.Count + selector.MatchExpressions.Count);
        foreach (var (key, value) in selector.MatchLabels)
        {
            var (source, name) = Label.SplitSource(key, defaultSource);
            requirements.Add(new SelectorRequirement(source, keyPrefix + name, SelectorOperator.In, [value]));
        }
        foreach (var expression in selector.MatchExpressions)
        {
            var (source, name) = Label.SplitSource(expression.Key, defaultSource);
            var op = expression.Operator switch
            {
                LabelSelectorRequirement.In => SelectorOperator.In,
                LabelSelectorRequirement.NotIn => SelectorOperator.NotIn,
                LabelSelectorRequirement.Exists => SelectorOperator.Exists,
                _ => SelectorOperator.DoesNotExist,
            };
            requirements.Add(new SelectorRequirement(source, keyPrefix + name, op, expression.Values));
        }
        return requirements;
    }

    public bool Matches(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        for (var i = 0; i < _requirements.Length; i++)
        {
            if (!_requirements[i].Matches(labels))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>True when some requirement names <paramref name="key"/> with a k8s or any source.</summary>
    public bool HasK8sKey(string key)
    {
        foreach (var requirement in _requirements)
        {
            if (requirement.IsK8sKey(key))
            {
                return true;
            }
        }
        return false;
    }

    public bool HasSource(string source)
    {
        foreach (var requirement in _requirements)
        {
            if (requirement.Source == source)
            {
                return true;
            }
        }
        return false;
    }

    public bool Equals(IdentitySelector? other) => other is not null && Key == other.Key;

    public override bool Equals(object? obj) => Equals(obj as IdentitySelector);

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Key;
}
