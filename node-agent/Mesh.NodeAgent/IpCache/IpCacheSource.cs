namespace Mesh.NodeAgent.IpCache;

/// <summary>Where an ipcache claim comes from, in order of precedence when several claim one prefix.</summary>
public enum IpCacheSource
{
    LocalEndpoint = 0,
    LocalNode = 1,
    RemoteEndpoint = 2,
    RemoteNode = 3,

    /// <summary>A node-local CIDR identity allocated for a policy's CIDR selector; any other claim on the prefix wins.</summary>
    PolicyCidr = 4,
}
