using System.Diagnostics.CodeAnalysis;

namespace Mesh.Bpf.Maps.Layouts;

/// <summary>
/// Service entry flags as Cilium's Go agent merges them into one u16: <c>flags</c> in the low byte (value offset 8),
/// <c>flags2</c> in the high byte (offset 9). Names follow Cilium's <c>serviceFlag*</c> constants.
/// </summary>
[Flags]
[SuppressMessage("Design", "CA1069", Justification = "Cilium reuses bit 14: Quarantined on backend slots, SourceRangeDeny on the service entry.")]
public enum ServiceFlags : ushort
{
    None = 0,
    ExternalIPs = 1 << 0,
    NodePort = 1 << 1,
    ExtLocalScope = 1 << 2,
    HostPort = 1 << 3,
    SessionAffinity = 1 << 4,
    LoadBalancer = 1 << 5,
    Routable = 1 << 6,
    SourceRange = 1 << 7,
    LocalRedirect = 1 << 8,
    Nat46x64 = 1 << 9,
    L7LoadBalancer = 1 << 10,

    /// <summary>LOOPBACK for HostPort services, L7_DELEGATE ("delegate-if-local") otherwise.</summary>
    Loopback = 1 << 11,
    IntLocalScope = 1 << 12,
    TwoScopes = 1 << 13,

    /// <summary>On a backend slot: the backend is quarantined.</summary>
    Quarantined = 1 << 14,

    /// <summary>On the service entry: the source ranges are a deny list.</summary>
    SourceRangeDeny = 1 << 14,
    FwdModeDsr = 1 << 15,
}
