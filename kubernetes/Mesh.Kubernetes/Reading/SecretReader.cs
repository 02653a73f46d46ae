using System.Text;
using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Reading;

/// <summary>Reads a v1 Secret: base64 <c>data</c> plus plain-text <c>stringData</c>.</summary>
internal static class SecretReader
{
    public static KubeSecret Read(JsonFields o)
    {
        var meta = KubeObjectReader.Meta(o, namespaced: true);
        var data = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in o.StringMap("data") ?? new Dictionary<string, string>())
        {
            try
            {
                data[key] = Convert.FromBase64String(value);
            }
            catch (FormatException)
            {
                throw new KubeObjectException($"data.{key}", "is not base64");
            }
        }
        foreach (var (key, value) in o.StringMap("stringData") ?? new Dictionary<string, string>())
        {
            data[key] = Encoding.UTF8.GetBytes(value);
        }
        return new KubeSecret(meta, data);
    }
}
