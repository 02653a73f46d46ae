using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf.Maps.Layouts;

/// <summary>
/// Cilium's LB, ipcache and policy maps with their exact names, layouts, default capacities and flags. Cilium's
/// CONDITIONAL_PREALLOC means BPF_F_NO_PREALLOC unless the agent preallocates, which is its default.
/// </summary>
public static class CiliumMaps
{
    public const int DefaultLbMaxEntries = 65536;
    public const int DefaultIpCacheMaxEntries = 512000;
    public const int DefaultPolicyMaxEntries = 16384;

    /// <summary>Name prefix of the per-endpoint policy maps; the endpoint id follows as five digits.</summary>
    public const string PolicyMapPrefix = "cilium_policy_v2_";

    private const BpfMapFlags ConditionalPrealloc = BpfMapFlags.NoPrealloc;

    public static BpfMapDescriptor Lb4Services { get; } = new(
        "cilium_lb4_services_v2", BpfMapType.Hash, Lb4ServiceKey.ByteSize, LbServiceValue.ByteSize, DefaultLbMaxEntries, ConditionalPrealloc | BpfMapFlags.ReadOnlyProg);

    public static BpfMapDescriptor Lb4Backends { get; } = new(
        "cilium_lb4_backends_v3", BpfMapType.Hash, LbBackendKey.ByteSize, Lb4BackendValue.ByteSize, DefaultLbMaxEntries, ConditionalPrealloc);

    public static BpfMapDescriptor Lb4ReverseNat { get; } = new(
        "cilium_lb4_reverse_nat", BpfMapType.Hash, LbRevNatKey.ByteSize, Lb4RevNatValue.ByteSize, DefaultLbMaxEntries, ConditionalPrealloc);

    public static BpfMapDescriptor Lb6Services { get; } = new(
        "cilium_lb6_services_v2", BpfMapType.Hash, Lb6ServiceKey.ByteSize, LbServiceValue.ByteSize, DefaultLbMaxEntries, ConditionalPrealloc | BpfMapFlags.ReadOnlyProg);

    public static BpfMapDescriptor Lb6Backends { get; } = new(
        "cilium_lb6_backends_v3", BpfMapType.Hash, LbBackendKey.ByteSize, Lb6BackendValue.ByteSize, DefaultLbMaxEntries, ConditionalPrealloc);

    public static BpfMapDescriptor Lb6ReverseNat { get; } = new(
        "cilium_lb6_reverse_nat", BpfMapType.Hash, LbRevNatKey.ByteSize, Lb6RevNatValue.ByteSize, DefaultLbMaxEntries, ConditionalPrealloc);

    public static BpfMapDescriptor IpCache { get; } = new(
        "cilium_ipcache_v2", BpfMapType.LpmTrie, IpCacheKey.ByteSize, IpCacheValue.ByteSize, DefaultIpCacheMaxEntries, BpfMapFlags.NoPrealloc | BpfMapFlags.ReadOnlyProg);

    /// <summary>
    /// The per-endpoint policy map <c>cilium_policy_v2_&lt;5-digit endpoint id&gt;</c> (LPM trie of
    /// <see cref="PolicyKey"/> to <see cref="PolicyEntry"/>). One per endpoint, so not part of <see cref="All"/>.
    /// </summary>
    public static BpfMapDescriptor Policy(ushort endpointId, int maxEntries = DefaultPolicyMaxEntries) => new(
        PolicyMapPrefix + endpointId.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), BpfMapType.LpmTrie, PolicyKey.ByteSize, PolicyEntry.ByteSize, maxEntries, BpfMapFlags.NoPrealloc | BpfMapFlags.ReadOnlyProg);

    public static IReadOnlyList<BpfMapDescriptor> All { get; } = [Lb4Services, Lb4Backends, Lb4ReverseNat, Lb6Services, Lb6Backends, Lb6ReverseNat, IpCache];

    /// <summary>Finds a descriptor by Cilium's name, with or without the <c>cilium_</c> prefix.</summary>
    public static BpfMapDescriptor? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var full = name.StartsWith("cilium_", StringComparison.Ordinal) ? name : "cilium_" + name;
        foreach (var descriptor in All)
        {
            if (descriptor.Name == full)
            {
                return descriptor;
            }
        }
        return null;
    }
}
