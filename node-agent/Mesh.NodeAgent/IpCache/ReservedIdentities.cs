namespace Mesh.NodeAgent.IpCache;

/// <summary>Cilium's reserved numeric identities the ipcache uses for node addresses.</summary>
public static class ReservedIdentities
{
    public const uint Unknown = 0;
    public const uint Host = 1;
    public const uint World = 2;
    public const uint Health = 4;
    public const uint RemoteNode = 6;
}
