namespace Mesh.Kubernetes.Objects;

/// <summary>One <c>matchExpressions</c> item: <c>In</c>, <c>NotIn</c>, <c>Exists</c> or <c>DoesNotExist</c> (checked when read).</summary>
public sealed record LabelSelectorRequirement(string Key, string Operator, IReadOnlyList<string> Values)
{
    public const string In = "In";
    public const string NotIn = "NotIn";
    public const string Exists = "Exists";
    public const string DoesNotExist = "DoesNotExist";

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var present = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            In => present && Values.Contains(value!),
            NotIn => !present || !Values.Contains(value!),
            Exists => present,
            DoesNotExist => !present,
            _ => false,
        };
    }
}
