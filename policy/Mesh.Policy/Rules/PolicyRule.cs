using Mesh.Policy.Selection;

namespace Mesh.Policy.Rules;

/// <summary>
/// A translated, valid rule: its subject (an endpoint selector, or the host when <see cref="SelectsHost"/>),
/// its posture per direction (spec §1.6) and its peer rules.
/// </summary>
internal sealed record PolicyRule(
    PolicyOrigin Origin,
    IdentitySelector Subject,
    bool SelectsHost,
    DirectionPosture Ingress,
    DirectionPosture Egress,
    IReadOnlyList<PeerRule> PeerRules)
{
    public DirectionPosture Posture(TrafficDirection direction) => direction == TrafficDirection.Ingress ? Ingress : Egress;
}
