namespace Mesh.Bpf.Maps.Userspace;

/// <summary>A view of a <see cref="UserspaceMap"/>; several handles may share one map, like fds of one kernel map.</summary>
internal sealed class UserspaceMapHandle : IBpfMapHandle
{
    private readonly UserspaceMap _map;
    private bool _disposed;

    public UserspaceMapHandle(UserspaceMap map, MapOpenOutcome outcome, string? replacedReason)
    {
        _map = map;
        Outcome = outcome;
        ReplacedReason = replacedReason;
    }

    public BpfMapDescriptor Descriptor => _map.Descriptor;

    public MapOpenOutcome Outcome { get; }

    public string? ReplacedReason { get; }

    public int MaxEntries => _map.Descriptor.MaxEntries;

    public int Count => Live.Count;

    private UserspaceMap Live
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _map;
        }
    }

    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Live.Update(key, value);

    public bool Delete(ReadOnlySpan<byte> key) => Live.Delete(key);

    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value) => Live.TryLookup(key, value);

    public int UpdateBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values) => Live.UpdateBatch(keys, values);

    public int DeleteBatch(ReadOnlySpan<byte> keys) => Live.DeleteBatch(keys);

    public BpfMapEntries Dump() => Live.Dump();

    public void Dispose() => _disposed = true;
}
