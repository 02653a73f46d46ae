namespace Mesh.NodeAgent.LoadBalancerMaps;

/// <summary>
/// Service entry flags with Cilium's bit values: <c>flags</c> in the low byte, <c>flags2</c> in the high byte
/// (spec/bpf.md §C).
/// </summary>
[Flags]
public enum ServiceFlagBits : ushort
{
    None = 0,
    ExternalIp = 0x0001,
    NodePort = 0x0002,
    ExternalLocalScope = 0x0004,
    HostPort = 0x0008,
    SessionAffinity = 0x0010,
    LoadBalancer = 0x0020,
    Routable = 0x0040,
    SourceRange = 0x0080,
    LocalRedirect = 0x0100,
    Nat46x64 = 0x0200,
    L7LoadBalancer = 0x0400,
    Loopback = 0x0800,
    InternalLocalScope = 0x1000,
    TwoScopes = 0x2000,
    Quarantined = 0x4000,
    ForwardingModeDsr = 0x8000,
}
