using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Reading;

/// <summary>Reads a metav1.LabelSelector, rejecting unknown operators and values on Exists/DoesNotExist.</summary>
internal static class LabelSelectorReader
{
    public static LabelSelector? Read(JsonFields? selector)
    {
        if (selector is not { } s)
        {
            return null;
        }
        var expressions = new List<LabelSelectorRequirement>();
        var items = s.Array("matchExpressions");
        for (var i = 0; i < items.Count; i++)
        {
            var path = $"{s.Child("matchExpressions")}[{i}]";
            var e = JsonFields.Of(items[i], path);
            var key = e.String("key");
            if (key.Length == 0)
            {
                throw new KubeObjectException($"{path}.key", "missing");
            }
            var op = e.String("operator");
            var values = e.Strings("values");
            switch (op)
            {
                case LabelSelectorRequirement.In or LabelSelectorRequirement.NotIn when values.Count == 0:
                    throw new KubeObjectException($"{path}.values", $"must not be empty for {op}");
                case LabelSelectorRequirement.Exists or LabelSelectorRequirement.DoesNotExist when values.Count > 0:
                    throw new KubeObjectException($"{path}.values", $"must be empty for {op}");
                case LabelSelectorRequirement.In or LabelSelectorRequirement.NotIn or LabelSelectorRequirement.Exists or LabelSelectorRequirement.DoesNotExist:
                    break;
                default:
                    throw new KubeObjectException($"{path}.operator", $"'{op}' is not In, NotIn, Exists or DoesNotExist");
            }
            expressions.Add(new LabelSelectorRequirement(key, op, values));
        }
        return new LabelSelector(s.StringMap("matchLabels") ?? new Dictionary<string, string>(), expressions);
    }
}
