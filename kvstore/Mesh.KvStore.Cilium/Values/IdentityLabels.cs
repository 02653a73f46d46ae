using System.Text;

namespace Mesh.KvStore.Cilium.Values;

/// <summary>
/// The label set of an identity as stored at <c>cilium/state/identities/v1/id/&lt;ID&gt;</c>: every label as
/// <c>source:key=value;</c>, sorted by key (Cilium's SortedList / FormatForKVStore).
/// </summary>
public sealed class IdentityLabels : IEquatable<IdentityLabels>
{
    public const string ClusterLabelKey = "io.cilium.k8s.policy.cluster";
    public const string NamespaceLabelKey = "io.kubernetes.pod.namespace";

    private IdentityLabels(IReadOnlyList<IdentityLabel> labels) => Labels = labels;

    /// <summary>Labels sorted by key, one per key.</summary>
    public IReadOnlyList<IdentityLabel> Labels { get; }

    public static IdentityLabels Create(IEnumerable<IdentityLabel> labels)
    {
        // One label per key, as in Cilium's map-based Labels; the last one given wins.
        var byKey = new Dictionary<string, IdentityLabel>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            byKey[label.Key] = label;
        }
        return new IdentityLabels([.. byKey.Values.OrderBy(l => l.Key, StringComparer.Ordinal)]);
    }

    /// <summary>The value of the label with this key (any source), or null.</summary>
    public string? Get(string key) => Labels.FirstOrDefault(l => l.Key == key)?.Value;

    public string? Cluster => Get(ClusterLabelKey);

    public string? Namespace => Get(NamespaceLabelKey);

    public string Format()
    {
        var builder = new StringBuilder();
        foreach (var label in Labels)
        {
            builder.Append(label.Source).Append(':').Append(label.Key).Append('=').Append(label.Value).Append(';');
        }
        return builder.ToString();
    }

    public byte[] Encode() => Encoding.UTF8.GetBytes(Format());

    /// <summary>Parses a kvstore label string; the error names the offending label.</summary>
    public static Decoded<IdentityLabels> TryDecode(ReadOnlySpan<byte> value)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(value);
        }
        catch (DecoderFallbackException)
        {
            return Decoded<IdentityLabels>.Failure("labels: not valid UTF-8");
        }
        if (text.Length == 0)
        {
            return Decoded<IdentityLabels>.Failure("labels: empty label string");
        }
        var labels = new List<IdentityLabel>();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (colon <= 0 || equals < 0 || equals < colon)
            {
                return Decoded<IdentityLabels>.Failure($"labels: '{part}' is not source:key=value");
            }
            var key = part[(colon + 1)..equals];
            if (key.Length == 0)
            {
                return Decoded<IdentityLabels>.Failure($"labels: '{part}' has an empty key");
            }
            labels.Add(new IdentityLabel(part[..colon], key, part[(equals + 1)..]));
        }
        return Decoded<IdentityLabels>.Success(Create(labels));
    }

    public bool Equals(IdentityLabels? other) => other is not null && Labels.SequenceEqual(other.Labels);

    public override bool Equals(object? obj) => Equals(obj as IdentityLabels);

    public override int GetHashCode() => Format().GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Format();
}
