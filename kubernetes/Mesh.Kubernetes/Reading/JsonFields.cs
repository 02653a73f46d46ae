using System.Globalization;
using System.Text.Json;

namespace Mesh.Kubernetes.Reading;

/// <summary>Typed access to one JSON object with errors that name the field path (e.g. <c>spec.ports[0].port</c>).</summary>
internal readonly struct JsonFields(JsonElement element, string path)
{
    public string Path => path;

    public static JsonFields Of(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Object ? new JsonFields(element, path) : throw new KubeObjectException(path.Length == 0 ? "object" : path, $"expected an object, got {element.ValueKind}");

    public string Child(string name) => path.Length == 0 ? name : $"{path}.{name}";

    public JsonElement Get(string name) => element.TryGetProperty(name, out var value) ? value : default;

    public JsonFields? Object(string name)
    {
        var value = Get(name);
        return value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : Of(value, Child(name));
    }

    public string String(string name)
    {
        var value = Get(name);
        return value.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => string.Empty,
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new KubeObjectException(Child(name), $"expected a string, got {value.ValueKind}"),
        };
    }

    public long? Integer(string name, long min, long max)
    {
        var value = Get(name);
        long number;
        switch (value.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.Number when value.TryGetInt64(out number):
                break;
            case JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number):
                break;
            default:
                throw new KubeObjectException(Child(name), $"expected an integer, got {value}");
        }
        return number < min || number > max ? throw new KubeObjectException(Child(name), $"{number} is outside {min}..{max}") : number;
    }

    public bool? Bool(string name)
    {
        var value = Get(name);
        return value.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new KubeObjectException(Child(name), $"expected a boolean, got {value}"),
        };
    }

    public IReadOnlyList<JsonElement> Array(string name)
    {
        var value = Get(name);
        return value.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => [],
            JsonValueKind.Array => [.. value.EnumerateArray()],
            _ => throw new KubeObjectException(Child(name), $"expected a list, got {value.ValueKind}"),
        };
    }

    public IReadOnlyList<string> Strings(string name)
    {
        var items = Array(name);
        if (items.Count == 0)
        {
            return [];
        }
        var result = new string[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            result[i] = items[i].ValueKind == JsonValueKind.String
                ? items[i].GetString()!
                : throw new KubeObjectException($"{Child(name)}[{i}]", $"expected a string, got {items[i].ValueKind}");
        }
        return result;
    }

    public IReadOnlyDictionary<string, string>? StringMap(string name)
    {
        var value = Get(name);
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new KubeObjectException(Child(name), $"expected a map, got {value.ValueKind}");
        }
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            map[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                _ => throw new KubeObjectException($"{Child(name)}.{property.Name}", $"expected a string, got {property.Value.ValueKind}"),
            };
        }
        return map;
    }
}
