namespace Mesh.KvStore.Cilium.Values;

/// <summary>An MCS-API export (Cilium's MCSAPIServiceSpec) at <c>cilium/state/serviceexports/v1/&lt;cluster&gt;/&lt;ns&gt;/&lt;name&gt;</c>.</summary>
public sealed record ServiceExportSpec
{
    public string Cluster { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public string Namespace { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Used for conflict resolution: the oldest export wins.</summary>
    public DateTimeOffset? ExportCreationTimestamp { get; init; }

    public IReadOnlyList<ServiceExportPort> Ports { get; init; } = [];

    /// <summary>ClusterSetIP or Headless.</summary>
    public string Type { get; init; } = "ClusterSetIP";

    public string SessionAffinity { get; init; } = "None";

    /// <summary>ClientIP timeout when session affinity is ClientIP; null when unset.</summary>
    public int? SessionAffinityTimeoutSeconds { get; init; }
}
