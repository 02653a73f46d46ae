namespace Mesh.Kubernetes.Objects;

/// <summary>One endpoint of an EndpointSlice with its conditions and topology hints.</summary>
public sealed record EndpointSpec(
    IReadOnlyList<string> Addresses,
    bool? Ready,
    bool? Serving,
    bool? Terminating,
    string NodeName,
    string Zone,
    string Hostname,
    IReadOnlyList<string> ForZones);
