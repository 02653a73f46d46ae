using System.Collections;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// The documents of one YAML text, valid until disposed: disposing hands the JSON buffer and the parsed document's
/// metadata back to the array pool for the next file. The block reader's documents are parsed into elements only
/// when an element is asked for: a caller that reads the raw JSON of each (<see cref="Json"/>) never pays for it.
/// </summary>
internal sealed class YamlDocumentSet : IReadOnlyList<JsonElement>, IDisposable
{
    private readonly PooledByteWriter? _buffer;
    private readonly List<Range>? _ranges;
    private IReadOnlyList<JsonElement>? _documents;
    private JsonDocument? _parsed;

    /// <summary>Documents already parsed (the full YAML parser's).</summary>
    public YamlDocumentSet(IReadOnlyList<JsonElement> documents) => _documents = documents;

    /// <summary>
    /// The JSON array in <paramref name="buffer"/> (owned from here on), each document at its range: parsed on the
    /// first element asked for.
    /// </summary>
    public YamlDocumentSet(PooledByteWriter buffer, List<Range> ranges)
    {
        _buffer = buffer;
        _ranges = ranges;
    }

    public int Count => _ranges?.Count ?? _documents!.Count;

    public JsonElement this[int index] => Documents()[index];

    /// <summary>Document <paramref name="index"/> as JSON text (UTF-8), exactly the bytes its element spans.</summary>
    public ReadOnlySpan<byte> Json(int index) =>
        _ranges is { } ranges ? _buffer!.WrittenMemory.Span[ranges[index]] : JsonMarshal.GetRawUtf8Value(Documents()[index]);

    public IEnumerator<JsonElement> GetEnumerator() => Documents().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        // The document first: it reads from the buffer until then.
        _parsed?.Dispose();
        _buffer?.Dispose();
    }

    private IReadOnlyList<JsonElement> Documents()
    {
        if (_documents is { } documents)
        {
            return documents;
        }
        try
        {
            // Parsed in place, no copy of the JSON. One level more than a document may have, for the array around them.
            _parsed = JsonDocument.Parse(_buffer!.WrittenMemory, new JsonDocumentOptions { MaxDepth = BlockYamlReader.MaxJsonDepth + 1 });
        }
        catch (JsonException e)
        {
            // The block reader writes balanced JSON within the depth limit; should that ever fail, the documents are
            // refused one by one (logged and skipped) instead of failing the whole source.
            throw new KubeObjectException("document", $"its JSON form does not parse: {e.Message}");
        }
        var elements = new List<JsonElement>(_ranges!.Count);
        foreach (var element in _parsed.RootElement.EnumerateArray())
        {
            elements.Add(element);
        }
        _documents = elements;
        return elements;
    }
}
