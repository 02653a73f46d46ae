using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// Per thread, the last strings read for a handful of raw JSON (or YAML) values: equal values read again share one instance (a
/// namespace name repeated by 100k objects is then one string, not 100k strings kept alive with them). A slot only
/// suggests; the caller confirms the match against the JSON value before using it.
/// </summary>
internal static class SharedStrings
{
    private const int Slots = 256;

    [ThreadStatic]
    private static string?[]? s_slots;

    /// <summary>The slot for a string value's raw bytes (between its quotes, escapes as written).</summary>
    public static ref string? Slot(ReadOnlySpan<byte> raw) =>
        ref (s_slots ??= new string?[Slots])[(int)(XxHash3.HashToUInt64(raw) & (Slots - 1))];

    /// <summary>The slot for a string's characters (read from YAML; in general not the slot of the same string's JSON bytes).</summary>
    public static ref string? Slot(ReadOnlySpan<char> text) => ref Slot(MemoryMarshal.AsBytes(text));
}
