namespace Mesh.Bpf.Maps.Layouts;

/// <summary>The per-service LB algorithm in the top 8 bits of the service entry's u32 (Cilium's <c>LB_ALG_*</c>).</summary>
public enum LbAlgorithm : byte
{
    /// <summary>Not set on the entry: the datapath's configured default applies.</summary>
    Default = 0,
    Random = 1,
    Maglev = 2,
}
