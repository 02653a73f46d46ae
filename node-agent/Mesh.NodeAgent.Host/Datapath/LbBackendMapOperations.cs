using Mesh.Bpf.Maps.Layouts;
using Mesh.NodeAgent.Collections;
using Mesh.NodeAgent.LoadBalancerMaps;

namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>
/// Backend entries into <c>cilium_lb{4,6}_backends_v3</c>, keyed by backend ID. A backend is deleted only once no
/// programmed service slot points at it any more, so the datapath never selects a backend it cannot find.
/// Which IDs the maps hold is tracked here, so service slots can be held back until their backend is in.
/// </summary>
/// <param name="backends4">The IPv4 backends map.</param>
/// <param name="backends6">The IPv6 backends map.</param>
/// <param name="recovered">What the two maps held at start: after a restart those backends are already findable.</param>
/// <param name="referenced">Whether a programmed service slot still points at a backend ID.</param>
internal sealed class LbBackendMapOperations(ProgrammedMap backends4, ProgrammedMap backends6, IEnumerable<LbBackendEntry> recovered, Func<uint, bool> referenced)
    : MapOperations<LbBackendEntry>([backends4, backends6])
{
    // Read by the services reconciler for every slot it writes, written here: a lock-free bit set, not a locked map.
    private readonly ConcurrentIdSet _inMaps = new(recovered.Select(b => b.Id));

    /// <summary>Whether the backend ID is in a backends map (safe to reference from a service slot).</summary>
    public bool InMaps(uint backendId) => _inMaps.Contains(backendId);

    protected override bool ObservesWrites => true;

    protected override void Written(LbBackendEntry entry) => _inMaps.Add(entry.Id);

    protected override void Removed(LbBackendEntry entry) => _inMaps.Remove(entry.Id);

    protected override string? NotDeletable(LbBackendEntry entry) =>
        referenced(entry.Id) ? $"backend {entry.Id} is still in a programmed service slot" : null;

    // A full reconciliation may find a backend no longer desired while a programmed slot still points at it (the
    // services reconciler has not rewritten that service yet): it stays until a later prune, like a deleted row.
    protected override bool KeptOnPrune(int map, ReadOnlySpan<byte> key) => referenced(LbBackendKey.Read(key).BackendId);

    protected override void Pruning(int map, ReadOnlySpan<byte> key) => _inMaps.Remove(LbBackendKey.Read(key).BackendId);

    protected override void Prefetch(LbBackendEntry entry, int depth) =>
        CachePrefetch.Object(depth == 1 ? entry.Address : entry.Address.Address);

    protected override int MapIndex(LbBackendEntry entry) =>
        entry.Address.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 1 : 0;

    protected override void AppendEntries(LbBackendEntry entry, int row, MapBatch batch)
    {
        var i = batch.Append(row);
        new LbBackendKey(entry.Id).Write(batch.KeySpan(i));
        LbEncoding.WriteBackendValue(entry, batch.ValueSpan(i));
    }

    protected override void AppendDeleted(LbBackendEntry entry, int row, MapBatch batch) =>
        new LbBackendKey(entry.Id).Write(batch.KeySpan(batch.Append(row)));
}
