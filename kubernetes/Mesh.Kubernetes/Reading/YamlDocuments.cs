using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// Multi-document YAML to JSON elements, typing plain scalars by YAML 1.2's core schema (null, booleans, numbers)
/// and keeping quoted scalars as strings, so YAML manifests read exactly like the API server's JSON.
/// </summary>
public static class YamlDocuments
{
    /// <summary>Every non-empty document of <paramref name="yaml"/>; throws <see cref="YamlException"/> with line numbers on bad YAML.</summary>
    public static IReadOnlyList<JsonElement> Parse(string yaml) =>
        // Never disposed: the elements stay valid for as long as the caller holds them (the pooled buffers go to the GC).
        ParseScoped(yaml);

    /// <summary>
    /// <see cref="Parse"/> for a caller that is done with the elements before it disposes the result: the buffers of a
    /// large file go back to the pool for the next one.
    /// </summary>
    internal static YamlDocumentSet ParseScoped(string yaml) => ParseScoped(yaml.AsMemory());

    /// <summary>
    /// <see cref="ParseScoped(string)"/> of text in a buffer the caller owns (and may reuse once this returns). With
    /// <paramref name="readBulkKinds"/>, CiliumEndpoints and CiliumIdentities may come read into their objects already
    /// (<see cref="YamlDocumentSet.ReadObject"/>).
    /// </summary>
    internal static YamlDocumentSet ParseScoped(ReadOnlyMemory<char> yaml, bool readBulkKinds = false)
    {
        // Most manifests stay within the block subset, which a direct reader handles many times faster; everything
        // else (and every error, with its line number) goes through the full parser.
        if (BlockYamlReader.TryParse(yaml, readBulkKinds) is { } documents)
        {
            return documents;
        }
        return new YamlDocumentSet(ParseFully(yaml.ToString()));
    }

    /// <summary>The full YAML parser's reading: the reference the block reader must agree with.</summary>
    internal static IReadOnlyList<JsonElement> ParseFully(string yaml)
    {
        try
        {
            return ParseStreaming(yaml);
        }
        catch (AliasFoundException)
        {
            // Anchors and aliases are rare in manifests; the representation model resolves them.
            return ParseWithAliases(yaml);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this on some truncated input (a flow collection still open at the end).
            throw new YamlException(Mark.Empty, Mark.Empty, $"incomplete YAML: {e.Message}", e);
        }
    }

    /// <summary>Parser events straight into a JSON writer: no node tree, no intermediate JSON text.</summary>
    private static List<JsonElement> ParseStreaming(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var documents = new List<JsonElement>();
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (parser.TryConsume<DocumentStart>(out _))
        {
            buffer.ResetWrittenCount();
            bool empty;
            using (var writer = new Utf8JsonWriter(buffer))
            {
                empty = parser.Accept<Scalar>(out var root) && ScalarValue(root) is null;
                if (empty)
                {
                    parser.Consume<Scalar>();
                }
                else
                {
                    WriteNode(parser, writer);
                }
            }
            parser.Consume<DocumentEnd>();
            if (!empty)
            {
                using var parsed = JsonDocument.Parse(buffer.WrittenMemory);
                documents.Add(parsed.RootElement.Clone());
            }
        }
        parser.Consume<StreamEnd>();
        return documents;
    }

    private static void WriteNode(IParser parser, Utf8JsonWriter writer)
    {
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            WriteScalar(writer, ScalarValue(scalar));
        }
        else if (parser.TryConsume<MappingStart>(out _))
        {
            writer.WriteStartObject();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = parser.TryConsume<Scalar>(out var name) ? name.Value : throw new YamlException(parser.Current!.Start, parser.Current.End, "mapping keys must be scalars");
                writer.WritePropertyName(key);
                WriteNode(parser, writer);
            }
            writer.WriteEndObject();
        }
        else if (parser.TryConsume<SequenceStart>(out _))
        {
            writer.WriteStartArray();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                WriteNode(parser, writer);
            }
            writer.WriteEndArray();
        }
        else if (parser.Accept<AnchorAlias>(out _))
        {
            throw new AliasFoundException();
        }
        else
        {
            var current = parser.Current!;
            throw new YamlException(current.Start, current.End, $"unexpected YAML event {current.GetType().Name}");
        }
    }

    private static JsonValue? ScalarValue(Scalar scalar) => ConvertScalar(scalar.Value, scalar.Style);

    private static void WriteScalar(Utf8JsonWriter writer, JsonValue? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            value.WriteTo(writer);
        }
    }

    private static List<JsonElement> ParseWithAliases(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var documents = new List<JsonElement>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue;
            }
            var node = Convert(document.RootNode);
            if (node is null)
            {
                continue;
            }
            using var parsed = JsonDocument.Parse(node.ToJsonString());
            documents.Add(parsed.RootElement.Clone());
        }
        return documents;
    }

    /// <summary>The streaming path met an alias: start over with the alias-resolving model.</summary>
    private sealed class AliasFoundException : Exception
    {
        public AliasFoundException()
        {
        }

        public AliasFoundException(string message) : base(message)
        {
        }

        public AliasFoundException(string message, Exception innerException) : base(message, innerException)
        {
        }
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ConvertMapping(mapping),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlScalarNode scalar => ConvertScalar(scalar.Value, scalar.Style),
        _ => throw new YamlException(node.Start, node.End, $"unsupported YAML node {node.NodeType}"),
    };

    private static JsonObject ConvertMapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = key is YamlScalarNode scalar ? scalar.Value ?? string.Empty : throw new YamlException(key.Start, key.End, "mapping keys must be scalars");
            result[name] = Convert(value);
        }
        return result;
    }

    private static JsonValue? ConvertScalar(string? value, ScalarStyle style)
    {
        var text = value ?? string.Empty;
        if (style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(text);
        }
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (text.Length > 0 && (char.IsDigit(text[0]) || text[0] is '-' or '+' or '.')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }
        return JsonValue.Create(text);
    }
}
