using Mesh.Policy.Selection;

namespace Mesh.Policy.Rules;

/// <summary>
/// One ingress/egress (allow or deny) element after translation. <see cref="Peers"/> null means every identity
/// (an L4-only rule, keyed on identity 0); empty means nothing. <see cref="Ports"/> empty means L3-only.
/// </summary>
internal sealed record PeerRule(TrafficDirection Direction, bool Deny, IReadOnlyList<IdentitySelector>? Peers, IReadOnlyList<PortProtocol> Ports);
