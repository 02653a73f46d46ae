using Mesh.Kubernetes.Objects;

namespace Mesh.ClusterMesh.Export.Conversion;

/// <summary>The annotations that put services and namespaces into the mesh (spec §4.1, §2.5), with their legacy aliases.</summary>
public static class ClusterMeshAnnotations
{
    public const string Global = "service.cilium.io/global";
    public const string GlobalLegacy = "io.cilium/global-service";
    public const string Shared = "service.cilium.io/shared";
    public const string SharedLegacy = "io.cilium/shared-service";
    public const string Affinity = "service.cilium.io/affinity";
    public const string AffinityLegacy = "io.cilium/service-affinity";
    public const string GlobalNamespace = "clustermesh.cilium.io/global";

    /// <summary>Global: "true" (any case) on the current or legacy annotation.</summary>
    public static bool IsGlobal(ObjectMeta meta) => IsTrue(Lookup(meta, Global, GlobalLegacy));

    /// <summary>Shared: only meaningful when global; defaults to true, "false" (any case) turns it off.</summary>
    public static bool IsShared(ObjectMeta meta) =>
        IsGlobal(meta) && !string.Equals(Lookup(meta, Shared, SharedLegacy), "false", StringComparison.OrdinalIgnoreCase);

    /// <summary>"local", "remote" or "" (none); unknown values count as none.</summary>
    public static string AffinityOf(ObjectMeta meta)
    {
        var value = Lookup(meta, Affinity, AffinityLegacy)?.ToLowerInvariant();
        return IsGlobal(meta) && value is "local" or "remote" ? value : string.Empty;
    }

    /// <summary>A namespace is global when annotated "true", not global when annotated otherwise, else the default.</summary>
    public static bool IsGlobalNamespace(ObjectMeta? namespaceMeta, bool defaultGlobal) =>
        namespaceMeta?.Annotations.TryGetValue(GlobalNamespace, out var value) == true ? IsTrue(value) : defaultGlobal;

    private static string? Lookup(ObjectMeta meta, string current, string legacy) =>
        meta.Annotations.TryGetValue(current, out var value) ? value : meta.Annotations.GetValueOrDefault(legacy);

    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
