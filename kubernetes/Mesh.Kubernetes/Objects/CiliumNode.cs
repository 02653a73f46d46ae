namespace Mesh.Kubernetes.Objects;

/// <summary>A CiliumNode (cilium.io/v2): node addresses, pod CIDRs, health and ingress IPs.</summary>
public sealed record CiliumNode(
    ObjectMeta Metadata,
    IReadOnlyList<NodeAddressSpec> Addresses,
    IReadOnlyList<string> PodCidrs,
    string HealthIPv4,
    string HealthIPv6,
    string IngressIPv4,
    string IngressIPv6,
    byte EncryptionKey,
    string BootId) : IKubeObject
{
    public string Kind => "CiliumNode";
}
