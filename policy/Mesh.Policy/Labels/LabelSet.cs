using System.Text;
using Mesh.KvStore.Cilium.Values;
using Mesh.Policy.Cidr;

namespace Mesh.Policy.Labels;

/// <summary>
/// The labels of one security identity, one per key (as Cilium's label map). Lookups follow Cilium's
/// <c>LabelArray.Has/Get</c>: a selector key with source <c>any</c> matches a label of any source, and a
/// <c>cidr:</c> key is "present" when the identity has a <c>cidr:</c> label inside that prefix.
/// </summary>
public sealed class LabelSet : IEquatable<LabelSet>
{
    private readonly Dictionary<string, Label> _byKey;
    private readonly CidrPrefix[] _cidrs;
    private readonly string _text;

    private LabelSet(Dictionary<string, Label> byKey)
    {
        _byKey = byKey;
        var cidrs = new List<CidrPrefix>();
        var sorted = new List<Label>(byKey.Values);
        sorted.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder();
        foreach (var label in sorted)
        {
            if (label.Source == LabelSources.Cidr && CidrPrefix.TryParse(label.Key, out var prefix))
            {
                cidrs.Add(prefix);
            }
            text.Append(label.Source).Append(':').Append(label.Key).Append('=').Append(label.Value).Append(';');
        }
        Labels = sorted;
        _cidrs = [.. cidrs];
        _text = text.ToString();
        Namespace = byKey.TryGetValue(WellKnownLabels.Namespace, out var ns) ? ns.Value : null;
    }

    public static LabelSet Empty { get; } = new(new Dictionary<string, Label>(StringComparer.Ordinal));

    /// <summary>The labels, sorted by key.</summary>
    public IReadOnlyList<Label> Labels { get; }

    /// <summary>The value of <c>io.kubernetes.pod.namespace</c>, or null (reserved and CIDR identities).</summary>
    public string? Namespace { get; }

    public int Count => _byKey.Count;

    /// <summary>One label per key; the last one given for a key wins.</summary>
    public static LabelSet Create(IEnumerable<Label> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var byKey = new Dictionary<string, Label>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            byKey[label.Key] = label;
        }
        return new LabelSet(byKey);
    }

    /// <summary>Parses <c>source:key=value</c> strings (e.g. <c>k8s:app=web</c>, <c>reserved:host</c>); no source means <c>unspec</c>.</summary>
    public static LabelSet Parse(params string[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var parsed = new Label[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            parsed[i] = Label.Parse(labels[i]);
        }
        return Create(parsed);
    }

    /// <summary>The labels of an identity as synced through the kvstore (<c>cilium/state/identities/v1/id/&lt;ID&gt;</c>).</summary>
    public static LabelSet From(IdentityLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var converted = new Label[labels.Labels.Count];
        for (var i = 0; i < converted.Length; i++)
        {
            var label = labels.Labels[i];
            converted[i] = new Label(label.Source, label.Key, label.Value);
        }
        return Create(converted);
    }

    /// <summary>
    /// Whether a label with this key is present: any source for <see cref="LabelSources.Any"/>; for <c>cidr</c> a
    /// label whose prefix lies inside <paramref name="cidrKey"/> (pass it pre-parsed; null when the key is not a prefix).
    /// </summary>
    internal bool Has(string source, string key, CidrPrefix? cidrKey)
    {
        if (_byKey.TryGetValue(key, out var label) && (source == LabelSources.Any || label.Source == source))
        {
            return true;
        }
        if (source == LabelSources.Cidr && cidrKey is { } prefix)
        {
            foreach (var cidr in _cidrs)
            {
                if (prefix.Contains(cidr))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>The value of the label with this key and source (any source for <see cref="LabelSources.Any"/>), or "".</summary>
    internal string Get(string source, string key) =>
        _byKey.TryGetValue(key, out var label) && (source == LabelSources.Any || label.Source == source) ? label.Value : string.Empty;

    public bool Equals(LabelSet? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    public override int GetHashCode() => _text.GetHashCode(StringComparison.Ordinal);

    /// <summary><c>source:key=value;</c> per label, sorted by key (the kvstore format).</summary>
    public override string ToString() => _text;
}
