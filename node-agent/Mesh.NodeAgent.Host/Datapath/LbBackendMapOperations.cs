using Mesh.Bpf.Maps.Layouts;
using Mesh.NodeAgent.LoadBalancerMaps;

namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>Backend entries into <c>cilium_lb{4,6}_backends_v3</c>, keyed by backend ID.</summary>
internal sealed class LbBackendMapOperations(ProgrammedMap backends4, ProgrammedMap backends6)
    : MapOperations<LbBackendEntry>([backends4, backends6])
{
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
