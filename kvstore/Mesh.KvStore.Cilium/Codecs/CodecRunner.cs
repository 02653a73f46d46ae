using System.Text.Json;
using Mesh.KvStore.Cilium.GoJson;

namespace Mesh.KvStore.Cilium.Codecs;

/// <summary>Parses a value and turns every decode problem into a <see cref="Decoded{T}"/> error naming the field.</summary>
internal static class CodecRunner
{
    public static Decoded<T> Run<T>(ReadOnlyMemory<byte> value, Func<GoJsonObject, T> read)
        where T : class
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return Decoded<T>.Success(read(new GoJsonObject(document.RootElement, string.Empty)));
        }
        catch (JsonException e)
        {
            return Decoded<T>.Failure($"invalid JSON: {e.Message}");
        }
        catch (CiliumDecodeException e)
        {
            return Decoded<T>.Failure(e.Message);
        }
    }
}
