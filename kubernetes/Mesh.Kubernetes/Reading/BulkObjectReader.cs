using System.Text;
using System.Text.Json;
using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// Reads the kinds that come by the ten thousand, CiliumEndpoints and CiliumIdentities, in one pass over their JSON
/// text: no parsed document, no property looked up by name again and again. It reads exactly what
/// <see cref="KubeObjectReader"/> reads; whatever it is not sure of (another kind, a value of an unusual type, a field
/// given twice, an error) it leaves to that reader, which also words every error.
/// </summary>
internal static class BulkObjectReader
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = BlockYamlReader.MaxJsonDepth };

    /// <summary>The object, or null when <see cref="KubeObjectReader"/> must read this one.</summary>
    public static IKubeObject? TryRead(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, Options);
            return Read(ref reader);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException)
        {
            return null;
        }
    }

    private static IKubeObject? Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        FieldsSeen seen = default;
        // On the stack: nothing made per object but the object itself.
        var fields = new BulkKindFields();
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("apiVersion"u8) && seen.First(0))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return null;
                }
                fields.Group = reader.ValueTextEquals("cilium.io/v2"u8) || reader.ValueTextEquals("cilium.io/v2alpha1"u8);
                if (!fields.Group)
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("kind"u8) && seen.First(1))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return null;
                }
                fields.Kind = reader.ValueTextEquals("CiliumEndpoint"u8) ? BulkKind.Endpoint : reader.ValueTextEquals("CiliumIdentity"u8) ? BulkKind.Identity : BulkKind.Other;
                if (fields.Kind == BulkKind.Other)
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("metadata"u8) && seen.First(2))
            {
                if (!ReadMetadata(ref reader, ref fields.Metadata))
                {
                    return null;
                }
                fields.HasMetadata = true;
            }
            else if (reader.ValueTextEquals("status"u8) && seen.First(3))
            {
                if (!TryStart(ref reader, JsonTokenType.StartObject, out var present) || (present && !ReadStatus(ref reader, ref fields.Status)))
                {
                    return null;
                }
                fields.HasStatus = present;
            }
            else if (reader.ValueTextEquals("security-labels"u8) && seen.First(4))
            {
                reader.Read();
                if (!TryReadMap(ref reader, out fields.SecurityLabels))
                {
                    return null;
                }
            }
            else if (!SkipOther(ref reader, seen))
            {
                return null;
            }
        }
        return fields.Build();
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private static bool Next(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    private static bool ReadMetadata(ref Utf8JsonReader reader, ref BulkMetadata meta)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        FieldsSeen seen = default;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("name"u8) && seen.First(0))
            {
                if (!TryReadString(ref reader, out var name))
                {
                    return false;
                }
                meta.Name = name;
            }
            else if (reader.ValueTextEquals("namespace"u8) && seen.First(1))
            {
                if (!TryReadString(ref reader, out var ns, shared: true))
                {
                    return false;
                }
                meta.Namespace = ns;
            }
            else if (reader.ValueTextEquals("labels"u8) && seen.First(2))
            {
                reader.Read();
                if (!TryReadMap(ref reader, out meta.Labels))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("annotations"u8) && seen.First(3))
            {
                reader.Read();
                if (!TryReadMap(ref reader, out meta.Annotations))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("resourceVersion"u8) && seen.First(4))
            {
                if (!TryReadString(ref reader, out var version))
                {
                    return false;
                }
                meta.ResourceVersion = version;
            }
            else if (reader.ValueTextEquals("creationTimestamp"u8) && seen.First(5))
            {
                if (!TryReadString(ref reader, out var created))
                {
                    return false;
                }
                if (!meta.TrySetCreated(created))
                {
                    return false;
                }
            }
            else if (!SkipOther(ref reader, seen))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A CiliumEndpoint's status (the reader on its start); false when it needs the general reader.</summary>
    private static bool ReadStatus(ref Utf8JsonReader reader, ref BulkStatus status)
    {
        FieldsSeen seen = default;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("identity"u8) && seen.First(0))
            {
                if (!ReadIdentity(ref reader, ref status))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("networking"u8) && seen.First(1))
            {
                if (!ReadNetworking(ref reader, ref status))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("encryption"u8) && seen.First(2))
            {
                if (!TryStart(ref reader, JsonTokenType.StartObject, out var present))
                {
                    return false;
                }
                if (!present)
                {
                    continue;
                }
                FieldsSeen inner = default;
                while (Next(ref reader))
                {
                    if (reader.ValueTextEquals("key"u8) && inner.First(0))
                    {
                        if (!TryReadInteger(ref reader, 0, 255, out var key))
                        {
                            return false;
                        }
                        status.EncryptionKey = (byte)(key ?? 0);
                    }
                    else if (!SkipOther(ref reader, inner))
                    {
                        return false;
                    }
                }
            }
            else if (reader.ValueTextEquals("named-ports"u8) && seen.First(3))
            {
                if (!ReadNamedPorts(ref reader, ref status))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("service-account"u8) && seen.First(4))
            {
                if (!TryReadString(ref reader, out status.ServiceAccount))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("id"u8) && seen.First(5))
            {
                if (!TryReadInteger(ref reader, 1, ushort.MaxValue, out var id))
                {
                    return false;
                }
                status.EndpointId = id is { } value ? (ushort)value : null;
            }
            else if (!SkipOther(ref reader, seen))
            {
                return false;
            }
        }
        return true;
    }

    private static bool ReadIdentity(ref Utf8JsonReader reader, ref BulkStatus status)
    {
        if (!TryStart(ref reader, JsonTokenType.StartObject, out var given))
        {
            return false;
        }
        if (!given)
        {
            return true;
        }
        FieldsSeen seen = default;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("id"u8) && seen.First(0))
            {
                if (!TryReadInteger(ref reader, 0, uint.MaxValue, out var id))
                {
                    return false;
                }
                status.IdentityId = id is { } value ? (uint)value : null;
            }
            else if (reader.ValueTextEquals("labels"u8) && seen.First(1))
            {
                if (!TryStart(ref reader, JsonTokenType.StartArray, out var present))
                {
                    return false;
                }
                if (!present)
                {
                    continue;
                }
                var labels = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }
                    labels.Add(reader.GetString()!);
                }
                status.IdentityLabels = [.. labels];
            }
            else if (!SkipOther(ref reader, seen))
            {
                return false;
            }
        }
        return true;
    }

    private static bool ReadNetworking(ref Utf8JsonReader reader, ref BulkStatus status)
    {
        if (!TryStart(ref reader, JsonTokenType.StartObject, out var given))
        {
            return false;
        }
        if (!given)
        {
            return true;
        }
        FieldsSeen seen = default;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("addressing"u8) && seen.First(0))
            {
                if (!TryStart(ref reader, JsonTokenType.StartArray, out var present))
                {
                    return false;
                }
                if (!present)
                {
                    continue;
                }
                var pairs = new AddressPairs();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return false;
                    }
                    string ipv4 = string.Empty, ipv6 = string.Empty;
                    FieldsSeen pair = default;
                    while (Next(ref reader))
                    {
                        if (reader.ValueTextEquals("ipv4"u8) && pair.First(0))
                        {
                            if (!TryReadString(ref reader, out ipv4))
                            {
                                return false;
                            }
                        }
                        else if (reader.ValueTextEquals("ipv6"u8) && pair.First(1))
                        {
                            if (!TryReadString(ref reader, out ipv6))
                            {
                                return false;
                            }
                        }
                        else if (!SkipOther(ref reader, pair))
                        {
                            return false;
                        }
                    }
                    pairs.Add(new EndpointAddressPair(ipv4, ipv6));
                }
                status.Addressing = pairs.ToArray();
            }
            else if (reader.ValueTextEquals("node"u8) && seen.First(1))
            {
                // A node's address is shared by every pod on it.
                if (!TryReadString(ref reader, out status.NodeIp, shared: true))
                {
                    return false;
                }
            }
            else if (!SkipOther(ref reader, seen))
            {
                return false;
            }
        }
        return true;
    }

    private static bool ReadNamedPorts(ref Utf8JsonReader reader, ref BulkStatus status)
    {
        if (!TryStart(ref reader, JsonTokenType.StartArray, out var given))
        {
            return false;
        }
        if (!given)
        {
            return true;
        }
        var ports = new List<NamedPortSpec>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            string name = string.Empty, protocol = string.Empty;
            long? port = null;
            FieldsSeen seen = default;
            while (Next(ref reader))
            {
                if (reader.ValueTextEquals("name"u8) && seen.First(0))
                {
                    if (!TryReadString(ref reader, out name))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("port"u8) && seen.First(1))
                {
                    if (!TryReadInteger(ref reader, 1, 65535, out port))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("protocol"u8) && seen.First(2))
                {
                    if (!TryReadString(ref reader, out protocol))
                    {
                        return false;
                    }
                }
                else if (!SkipOther(ref reader, seen))
                {
                    return false;
                }
            }
            ports.Add(new NamedPortSpec(name, (int)(port ?? 0), protocol));
        }
        status.NamedPorts = [.. ports];
        return true;
    }

    /// <summary>
    /// Reads the next value's first token: true when it opens the expected object or array (<paramref name="present"/>)
    /// or is null (absent, as the general reader takes it); false for anything else, which the general reader words.
    /// </summary>
    private static bool TryStart(ref Utf8JsonReader reader, JsonTokenType start, out bool present)
    {
        reader.Read();
        present = reader.TokenType == start;
        return present || reader.TokenType == JsonTokenType.Null;
    }

    /// <summary>The next value as <see cref="JsonFields.String"/> reads it: null as empty, a number as its text; false for anything else.</summary>
    private static bool TryReadString(ref Utf8JsonReader reader, out string value, bool shared = false)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                value = shared ? Shared(ref reader) : reader.GetString()!;
                return true;
            case JsonTokenType.Null:
                value = string.Empty;
                return true;
            case JsonTokenType.Number:
                value = Encoding.UTF8.GetString(reader.ValueSpan);
                return true;
            default:
                value = string.Empty;
                return false;
        }
    }

    /// <summary>The next value as a number within bounds (null when null); false for anything else, left to the general reader's errors.</summary>
    private static bool TryReadInteger(ref Utf8JsonReader reader, long min, long max, out long? value)
    {
        reader.Read();
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var number) || number < min || number > max)
        {
            return false;
        }
        value = number;
        return true;
    }

    /// <summary>A string map as <see cref="JsonFields.StringMap"/> reads it (the reader on its start); false for anything it would refuse.</summary>
    private static bool TryReadMap(ref Utf8JsonReader reader, out IReadOnlyDictionary<string, string>? map)
    {
        map = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        while (Next(ref reader))
        {
            var key = reader.GetString()!;
            reader.Read();
            var value = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                JsonTokenType.True => "true",
                JsonTokenType.False => "false",
                _ => null,
            };
            if (value is null)
            {
                return false;
            }
            result[key] = value;
        }
        map = result;
        return true;
    }

    /// <summary>The string value, one instance per thread for equal values (see <see cref="SharedStrings"/>).</summary>
    private static string Shared(ref Utf8JsonReader reader)
    {
        ref var slot = ref SharedStrings.Slot(reader.ValueSpan);
        if (slot is { } known && reader.ValueTextEquals(known))
        {
            return known;
        }
        return slot = reader.GetString()!;
    }

    /// <summary>Skips a property none of the known fields matched; false when a known field came twice instead.</summary>
    private static bool SkipOther(ref Utf8JsonReader reader, FieldsSeen seen)
    {
        if (!seen.Other())
        {
            return false;
        }
        reader.Skip();
        return true;
    }
}
