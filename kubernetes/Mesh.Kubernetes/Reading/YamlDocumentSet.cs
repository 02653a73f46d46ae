using System.Collections;
using System.Text.Json;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// The documents of one YAML text, valid until disposed: disposing hands the JSON buffer and the parsed document's
/// metadata back to the array pool for the next file.
/// </summary>
internal sealed class YamlDocumentSet(IReadOnlyList<JsonElement> documents, params IDisposable[] owned) : IReadOnlyList<JsonElement>, IDisposable
{
    public int Count => documents.Count;

    public JsonElement this[int index] => documents[index];

    public IEnumerator<JsonElement> GetEnumerator() => documents.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        // The document first: it reads from the buffer until then.
        foreach (var item in owned)
        {
            item.Dispose();
        }
    }
}
