namespace Mesh.Bpf.Maps.Kernel;

/// <summary>A pinned map's descriptor, used directly: every call is one bpf(2) call (or a batch).</summary>
internal sealed class KernelMapHandle : IBpfMapHandle
{
    private readonly BpfMap _map;

    public KernelMapHandle(BpfMap map, BpfMapDescriptor descriptor, MapOpenOutcome outcome, string? replacedReason)
    {
        _map = map;
        Descriptor = descriptor;
        Outcome = outcome;
        ReplacedReason = replacedReason;
    }

    public BpfMapDescriptor Descriptor { get; }

    public MapOpenOutcome Outcome { get; }

    public string? ReplacedReason { get; }

    public int MaxEntries => _map.MaxEntries;

    public int Count => _map.CountEntries();

    /// <summary>The underlying map, for callers that need the fd (program loading, map-in-map).</summary>
    public BpfMap Map => _map;

    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _map.Update(key, value);

    public bool Delete(ReadOnlySpan<byte> key) => _map.Delete(key);

    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value) => _map.TryLookup(key, value);

    public int UpdateBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values) => _map.UpdateBatch(keys, values);

    public int DeleteBatch(ReadOnlySpan<byte> keys) => _map.DeleteBatch(keys);

    public BpfMapEntries Dump() => _map.ReadAll();

    public void Dispose() => _map.Dispose();
}
