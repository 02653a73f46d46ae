using Mesh.Bpf.Maps.Layouts;
using Mesh.NodeAgent.IpCache;

namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>
/// Ipcache entries into <c>cilium_ipcache_v2</c>. The key's cluster ID stays 0 as in Cilium without overlapping pod
/// CIDRs, so the datapath finds an entry without knowing its cluster; the remote-cluster flag records the origin.
/// </summary>
internal sealed class IpCacheMapOperations(ProgrammedMap ipcache) : MapOperations<IpCacheEntry>([ipcache])
{
    protected override int MapIndex(IpCacheEntry entry) => 0;

    protected override void Prefetch(IpCacheEntry entry, int depth)
    {
        if (depth == 1)
        {
            CachePrefetch.Object(entry.Prefix.BaseAddress);
            CachePrefetch.Object(entry.TunnelEndpoint);
        }
    }

    protected override void AppendEntries(IpCacheEntry entry, int row, MapBatch batch)
    {
        var i = batch.Append(row);
        IpCacheKey.Write(entry.Prefix.BaseAddress, entry.Prefix.PrefixLength, 0, batch.KeySpan(i));
        new IpCacheValue(entry.Identity, entry.TunnelEndpoint, entry.EncryptKey, entry.IsRemoteCluster ? IpCacheFlags.RemoteCluster : IpCacheFlags.None)
            .Write(batch.ValueSpan(i));
    }

    protected override object? PropagationKey(IpCacheEntry entry) => entry.Prefix;

    protected override void AppendDeleted(IpCacheEntry entry, int row, MapBatch batch) =>
        IpCacheKey.Write(entry.Prefix.BaseAddress, entry.Prefix.PrefixLength, 0, batch.KeySpan(batch.Append(row)));
}
