namespace Mesh.Bpf.Maps;

/// <summary>
/// One open map, programmed with raw keys and values in the kernel's byte layout (see <c>Layouts/</c> and the typed
/// extensions in <see cref="BpfMapHandleExtensions"/>). Failures are <see cref="BpfException"/>s; a full map has
/// <see cref="BpfException.IsMapFull"/> set on every backend.
/// </summary>
public interface IBpfMapHandle : IDisposable
{
    /// <summary>The layout of the open map.</summary>
    BpfMapDescriptor Descriptor { get; }

    /// <summary>Whether this open created, reused or replaced the map.</summary>
    MapOpenOutcome Outcome { get; }

    /// <summary>For <see cref="MapOpenOutcome.Replaced"/>: how the old layout differed.</summary>
    string? ReplacedReason { get; }

    int MaxEntries { get; }

    /// <summary>Entries in the map now; walks the map in the kernel backend (no count is kept there).</summary>
    int Count { get; }

    /// <summary>Creates or overwrites (idempotent).</summary>
    void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    /// <summary>Removes <paramref name="key"/>; false when it was already absent (which is not an error).</summary>
    bool Delete(ReadOnlySpan<byte> key);

    /// <summary>Exact-key lookup for hashes; longest-prefix match for LPM tries.</summary>
    bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value);

    /// <summary>
    /// Writes packed keys and values in order. On failure nothing after the failing element is applied and the
    /// exception's <see cref="BpfException.ElementsProcessed"/> is that element's index.
    /// </summary>
    /// <returns>The number of elements written.</returns>
    int UpdateBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values);

    /// <summary>Deletes packed keys; absent keys are skipped.</summary>
    /// <returns>How many were present and removed.</returns>
    int DeleteBatch(ReadOnlySpan<byte> keys);

    /// <summary>Every entry, as packed raw bytes.</summary>
    BpfMapEntries Dump();
}
