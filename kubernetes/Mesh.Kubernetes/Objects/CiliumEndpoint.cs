namespace Mesh.Kubernetes.Objects;

/// <summary>A CiliumEndpoint (cilium.io/v2): a pod's addresses, identity and node.</summary>
public sealed record CiliumEndpoint(
    ObjectMeta Metadata,
    uint? IdentityId,
    IReadOnlyList<EndpointAddressPair> Addressing,
    string NodeIp,
    byte EncryptionKey,
    IReadOnlyList<NamedPortSpec> NamedPorts,
    string ServiceAccount) : IKubeObject
{
    public string Kind => "CiliumEndpoint";

    /// <summary>The agent-local endpoint ID (<c>status.id</c>, 1..65535), which names its policy map; null when absent.</summary>
    public ushort? EndpointId { get; init; }

    /// <summary>The identity's labels as the agent reported them (<c>status.identity.labels</c>, <c>source:key=value</c>).</summary>
    public IReadOnlyList<string> IdentityLabels { get; init; } = [];
}
