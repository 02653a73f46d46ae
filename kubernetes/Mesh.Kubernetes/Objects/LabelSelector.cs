namespace Mesh.Kubernetes.Objects;

/// <summary>A metav1.LabelSelector: every <c>matchLabels</c> pair and every expression must hold (an empty selector matches all).</summary>
public sealed record LabelSelector(IReadOnlyDictionary<string, string> MatchLabels, IReadOnlyList<LabelSelectorRequirement> MatchExpressions)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var (key, value) in MatchLabels)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }
        foreach (var requirement in MatchExpressions)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }
        return true;
    }
}
