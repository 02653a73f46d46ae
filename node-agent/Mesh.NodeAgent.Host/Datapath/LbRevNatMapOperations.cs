using Mesh.Bpf.Maps.Layouts;
using Mesh.NodeAgent.LoadBalancerMaps;

namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>Reverse-NAT entries into <c>cilium_lb{4,6}_reverse_nat</c>.</summary>
internal sealed class LbRevNatMapOperations(ProgrammedMap revNat4, ProgrammedMap revNat6)
    : MapOperations<LbRevNatEntry>([revNat4, revNat6])
{
    protected override int MapIndex(LbRevNatEntry entry) =>
        entry.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 1 : 0;

    protected override void AppendEntries(LbRevNatEntry entry, int row, MapBatch batch)
    {
        var i = batch.Append(row);
        new LbRevNatKey(entry.Index).Write(batch.KeySpan(i));
        if (MapIndex(entry) == 1)
        {
            new Lb6RevNatValue(entry.Address, entry.Port).Write(batch.ValueSpan(i));
        }
        else
        {
            new Lb4RevNatValue(entry.Address, entry.Port).Write(batch.ValueSpan(i));
        }
    }

    protected override void AppendDeleted(LbRevNatEntry entry, int row, MapBatch batch) =>
        new LbRevNatKey(entry.Index).Write(batch.KeySpan(batch.Append(row)));
}
