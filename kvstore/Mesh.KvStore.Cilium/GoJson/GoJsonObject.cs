using System.Text.Json;

namespace Mesh.KvStore.Cilium.GoJson;

/// <summary>
/// Reads a JSON object the way Go's decoder does: field names match case-insensitively, unknown fields are
/// ignored, and a type mismatch is an error naming the field.
/// </summary>
internal readonly struct GoJsonObject
{
    private readonly string _path;

    // Member names read once: looking a field up compares against these instead of re-reading every name per field.
    private readonly (string Name, JsonElement Value)[] _members;

    public GoJsonObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CiliumDecodeException(path.Length == 0 ? "value" : path, $"expected an object, got {element.ValueKind}");
        }
        _path = path;
        _members = new (string, JsonElement)[element.GetPropertyCount()];
        var i = 0;
        foreach (var property in element.EnumerateObject())
        {
            _members[i++] = (property.Name, property.Value);
        }
    }

    public string FieldPath(string name) => _path.Length == 0 ? name : $"{_path}.{name}";

    /// <summary>The field's value; Undefined when absent. Go takes the last of case-insensitive duplicates.</summary>
    public JsonElement Get(string name)
    {
        var found = default(JsonElement);
        foreach (var (member, value) in _members)
        {
            if (string.Equals(member, name, StringComparison.OrdinalIgnoreCase))
            {
                found = value;
            }
        }
        return found;
    }

    public string String(string name)
    {
        var value = Get(name);
        return value.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => string.Empty,
            JsonValueKind.String => value.GetString()!,
            _ => throw new CiliumDecodeException(FieldPath(name), $"expected a string, got {value.ValueKind}"),
        };
    }

    public bool Bool(string name)
    {
        var value = Get(name);
        return value.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => false,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new CiliumDecodeException(FieldPath(name), $"expected a boolean, got {value.ValueKind}"),
        };
    }

    public bool? OptionalBool(string name)
    {
        var value = Get(name);
        return value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : Bool(name);
    }

    public ulong Unsigned(string name, ulong max)
    {
        var value = Get(name);
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return 0;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetUInt64(out var number))
        {
            throw new CiliumDecodeException(FieldPath(name), $"expected an unsigned integer, got {value}");
        }
        if (number > max)
        {
            throw new CiliumDecodeException(FieldPath(name), $"{number} exceeds the maximum {max}");
        }
        return number;
    }

    public GoJsonObject? Object(string name)
    {
        var value = Get(name);
        return value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : new GoJsonObject(value, FieldPath(name));
    }

    /// <summary>A JSON array as elements; null when absent or null (Go's nil slice).</summary>
    public IReadOnlyList<JsonElement>? Array(string name)
    {
        var value = Get(name);
        return value.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            JsonValueKind.Array => [.. value.EnumerateArray()],
            _ => throw new CiliumDecodeException(FieldPath(name), $"expected an array, got {value.ValueKind}"),
        };
    }

    /// <summary>A map[string]string: null when absent or null (nil map), empty when {}.</summary>
    public IReadOnlyDictionary<string, string>? StringMap(string name)
    {
        var value = Get(name);
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CiliumDecodeException(FieldPath(name), $"expected an object, got {value.ValueKind}");
        }
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw new CiliumDecodeException($"{FieldPath(name)}.{property.Name}", $"expected a string, got {property.Value.ValueKind}");
            }
            map[property.Name] = property.Value.GetString()!;
        }
        return map;
    }

    /// <summary>Object members of a map-valued field, in document order.</summary>
    public IEnumerable<(string Key, JsonElement Value)> Members(string name)
    {
        var value = Get(name);
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            yield break;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CiliumDecodeException(FieldPath(name), $"expected an object, got {value.ValueKind}");
        }
        foreach (var property in value.EnumerateObject())
        {
            yield return (property.Name, property.Value);
        }
    }

    public bool IsNullOrAbsent(string name) => Get(name).ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;
}
