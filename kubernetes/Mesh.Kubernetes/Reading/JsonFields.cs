using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// Typed access to one JSON object with errors that name the field path (e.g. <c>spec.ports[0].port</c>). The path is
/// put together only when asked for: it names fields in errors, and building it for every nested object of 100k
/// objects read was a good share of the reader's garbage.
/// </summary>
internal readonly struct JsonFields
{
    private readonly JsonElement _element;
    private readonly string _parent;
    private readonly string? _name;
    private readonly int _index;

    private JsonFields(JsonElement element, string parent, string? name, int index)
    {
        _element = element;
        _parent = parent;
        _name = name;
        _index = index;
    }

    public string Path
    {
        get
        {
            if (_name is null)
            {
                return _parent;
            }
            var member = _parent.Length == 0 ? _name : $"{_parent}.{_name}";
            return _index < 0 ? member : $"{member}[{_index}]";
        }
    }

    public static JsonFields Of(JsonElement element, string path) => Of(element, path, null, -1);

    private static JsonFields Of(JsonElement element, string parent, string? name, int index) =>
        element.ValueKind == JsonValueKind.Object
            ? new JsonFields(element, parent, name, index)
            : throw new KubeObjectException(new JsonFields(element, parent, name, index).Path is { Length: > 0 } path ? path : "object", $"expected an object, got {element.ValueKind}");

    /// <summary>Item <paramref name="index"/> (<paramref name="item"/>) of this object's list <paramref name="list"/>, as an object.</summary>
    public JsonFields Item(string list, int index, JsonElement item) => Of(item, Path, list, index);

    public string Child(string name) => Path is { Length: > 0 } path ? $"{path}.{name}" : name;

    public JsonElement Get(string name) => _element.TryGetProperty(name, out var value) ? value : default;

    public JsonFields? Object(string name)
    {
        var value = Get(name);
        return value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : Of(value, Path, name, -1);
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

    /// <summary>Longest text <see cref="ShortText"/> reads into the caller's buffer; longer text becomes a string.</summary>
    public const int ShortTextLength = 64;

    /// <summary>
    /// <see cref="String"/> as characters in <paramref name="buffer"/> (at least <see cref="ShortTextLength"/> long) when
    /// the value is short, unescaped text, for values compared and dropped (a kind, an API version).
    /// </summary>
    public ReadOnlySpan<char> ShortText(string name, Span<char> buffer)
    {
        var value = Get(name);
        if (value.ValueKind == JsonValueKind.String)
        {
            // The raw value keeps its quotes; text with escapes takes the general path.
            var raw = JsonMarshal.GetRawUtf8Value(value);
            var text = raw[1..^1];
            if (text.Length <= buffer.Length && text.IndexOf((byte)'\\') < 0 && Ascii.ToUtf16(text, buffer, out var written) == OperationStatus.Done)
            {
                return buffer[..written];
            }
        }
        return String(name);
    }

    /// <summary>
    /// <see cref="String"/>, with equal values read on one thread sharing one string instance: a namespace name repeated
    /// by 100k objects is then one string, not 100k strings kept alive with them.
    /// </summary>
    public string SharedString(string name)
    {
        var value = Get(name);
        if (value.ValueKind != JsonValueKind.String)
        {
            return String(name);
        }
        // The raw value keeps its quotes.
        ref var slot = ref SharedStrings.Slot(JsonMarshal.GetRawUtf8Value(value)[1..^1]);
        if (slot is { } known && value.ValueEquals(known))
        {
            return known;
        }
        return slot = value.GetString()!;
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
            JsonValueKind.Array => Items(value),
            _ => throw new KubeObjectException(Child(name), $"expected a list, got {value.ValueKind}"),
        };
    }

    /// <summary>The array's elements in one array of the exact size (no list grown and copied on the way).</summary>
    private static JsonElement[] Items(JsonElement array)
    {
        var length = array.GetArrayLength();
        if (length == 0)
        {
            return [];
        }
        var items = new JsonElement[length];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            items[i++] = item;
        }
        return items;
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
