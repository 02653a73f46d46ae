using Mesh.Bpf.Maps.Layouts;
using Mesh.NodeAgent.LoadBalancerMaps;

namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>
/// Backend entries into <c>cilium_lb{4,6}_backends_v3</c>, keyed by backend ID. A backend is deleted only once no
/// programmed service slot points at it any more, so the datapath never selects a backend it cannot find.
/// </summary>
internal sealed class LbBackendMapOperations(ProgrammedMap backends4, ProgrammedMap backends6, Func<uint, bool> referenced)
    : MapOperations<LbBackendEntry>([backends4, backends6])
{
    protected override string? NotDeletable(LbBackendEntry entry) =>
        referenced(entry.Id) ? $"backend {entry.Id} is still in a programmed service slot" : null;

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
