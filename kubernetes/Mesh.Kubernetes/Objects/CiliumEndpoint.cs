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
}
