namespace Mesh.KvStore.Cilium.Values;

/// <summary>Topology of a backend: its zone and the zones it is hinted for.</summary>
public sealed record BackendZone(string Zone, IReadOnlyList<string> ForZones);
