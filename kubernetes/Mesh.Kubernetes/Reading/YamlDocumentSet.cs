using System.Collections;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json;
using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// The documents of one YAML text, valid until disposed: disposing hands the JSON buffer, the list of documents and
/// the parsed document's metadata back to the array pool for the next file. The block reader's documents are parsed
/// into elements only when an element is asked for: a caller that reads the raw JSON of each (<see cref="Json"/>)
/// never pays for it.
/// A document the block reader read straight into its object (<see cref="ReadObject"/>) has no JSON form.
/// </summary>
internal sealed class YamlDocumentSet : IReadOnlyList<JsonElement>, IDisposable
{
    private readonly PooledByteWriter? _buffer;
    private readonly PooledList<BlockDocument>? _blockDocuments;
    private IReadOnlyList<JsonElement>? _documents;
    private JsonDocument? _parsed;
    // For each block document written as JSON, its place in the parsed array (the objects read directly are not in it).
    private int[]? _elementOf;

    /// <summary>Documents already parsed (the full YAML parser's).</summary>
    public YamlDocumentSet(IReadOnlyList<JsonElement> documents) => _documents = documents;

    /// <summary>
    /// The block reader's documents (the list owned from here on): each either at its range of the JSON array in
    /// <paramref name="buffer"/> (owned too, parsed on the first element asked for) or read into its object already.
    /// </summary>
    public YamlDocumentSet(PooledByteWriter buffer, PooledList<BlockDocument> documents)
    {
        _buffer = buffer;
        _blockDocuments = documents;
    }

    /// <summary>One document of the block reader's: its JSON text's range, or the object read from its YAML and a hash of that text.</summary>
    internal readonly record struct BlockDocument(Range Json, IKubeObject? Object, UInt128 Content);

    public int Count => _blockDocuments?.Count ?? _documents!.Count;

    /// <summary>Document <paramref name="index"/> parsed; not for a document read straight into its object.</summary>
    public JsonElement this[int index] => _blockDocuments is null ? _documents![index] : Documents()[ElementOf(index)];

    /// <summary>The object document <paramref name="index"/> was read into without JSON, or null when it has a JSON form.</summary>
    public IKubeObject? ReadObject(int index) => _blockDocuments?[index].Object;

    /// <summary>Document <paramref name="index"/> as JSON text (UTF-8), exactly the bytes its element spans.</summary>
    public ReadOnlySpan<byte> Json(int index)
    {
        if (_blockDocuments is null)
        {
            return JsonMarshal.GetRawUtf8Value(_documents![index]);
        }
        var document = _blockDocuments[index];
        return document.Object is null
            ? _buffer!.WrittenMemory.Span[document.Json]
            : throw new InvalidOperationException($"document {index + 1} was read straight into its object and has no JSON form");
    }

    /// <summary>A hash of document <paramref name="index"/>'s content: of its YAML text when read straight into its object, else of its JSON.</summary>
    public UInt128 Content(int index) =>
        _blockDocuments?[index] is { Object: not null } read ? read.Content : XxHash128.HashToUInt128(Json(index));

    /// <summary>The documents with a JSON form, parsed.</summary>
    public IEnumerator<JsonElement> GetEnumerator() => Documents().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        // The document first: it reads from the buffer until then.
        _parsed?.Dispose();
        _buffer?.Dispose();
        _blockDocuments?.Dispose();
    }

    private int ElementOf(int index)
    {
        if (_elementOf is null)
        {
            var elementOf = new int[_blockDocuments!.Count];
            var element = 0;
            for (var i = 0; i < elementOf.Length; i++)
            {
                elementOf[i] = _blockDocuments[i].Object is null ? element++ : -1;
            }
            _elementOf = elementOf;
        }
        return _elementOf[index] >= 0
            ? _elementOf[index]
            : throw new InvalidOperationException($"document {index + 1} was read straight into its object and has no JSON form");
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
        var elements = new List<JsonElement>(_blockDocuments!.Count);
        foreach (var element in _parsed.RootElement.EnumerateArray())
        {
            elements.Add(element);
        }
        _documents = elements;
        return elements;
    }
}
