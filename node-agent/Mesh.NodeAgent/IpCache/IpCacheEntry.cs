using System.Net;

namespace Mesh.NodeAgent.IpCache;

/// <summary>
/// One desired ipcache entry: which security identity a prefix belongs to, the node to tunnel to (none for this
/// node's own endpoints), and the cluster it lives in.
/// </summary>
public sealed record IpCacheEntry(IPNetwork Prefix, uint Identity, IPAddress? TunnelEndpoint, uint ClusterId, byte EncryptKey, IpCacheSource Source)
{
    public bool IsRemoteCluster => Source is IpCacheSource.RemoteEndpoint or IpCacheSource.RemoteNode;
}
