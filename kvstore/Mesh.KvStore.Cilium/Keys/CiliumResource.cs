namespace Mesh.KvStore.Cilium.Keys;

/// <summary>The kinds of clustermesh data, each under its own prefix with its own sync canary.</summary>
public enum CiliumResource
{
    Nodes,
    Services,
    ServiceExports,
    Ips,
    Identities,
}
