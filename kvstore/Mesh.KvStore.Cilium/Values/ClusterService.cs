namespace Mesh.KvStore.Cilium.Values;

/// <summary>
/// A global service as stored at <c>cilium/state/services/v1/&lt;cluster&gt;/&lt;ns&gt;/&lt;name&gt;</c>: frontends and
/// backends are maps of IP → (port name → port), so one service carries every port.
/// </summary>
public sealed record ClusterService
{
    public string Cluster { get; init; } = string.Empty;

    public string Namespace { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, L4Address>>? Frontends { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, L4Address>>? Backends { get; init; }

    public IReadOnlyDictionary<string, string>? Hostnames { get; init; }

    public IReadOnlyDictionary<string, BackendZone>? Zones { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public IReadOnlyDictionary<string, string>? Selector { get; init; }

    public bool IncludeExternal { get; init; }

    public bool Shared { get; init; }

    public uint ClusterId { get; init; }

    /// <summary>The key name <c>&lt;cluster&gt;/&lt;ns&gt;/&lt;name&gt;</c>.</summary>
    public string KeyName => $"{Cluster}/{Namespace}/{Name}";
}
