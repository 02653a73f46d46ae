namespace Mesh.Bpf.Loader;

/// <summary>Which clsact hook of an interface: libbpf's <c>BPF_TC_INGRESS</c> / <c>BPF_TC_EGRESS</c>.</summary>
public enum TcDirection
{
    /// <summary>Packets the interface receives (for a host-side veth: what the endpoint sends).</summary>
    Ingress = 1,

    /// <summary>Packets the interface transmits (for a host-side veth: what is delivered to the endpoint).</summary>
    Egress = 2,
}
