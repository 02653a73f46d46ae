namespace Mesh.Policy.Rules;

/// <summary>Whether a rule has a direction (allow or deny items) and whether it makes that direction default-deny.</summary>
internal readonly record struct DirectionPosture(bool HasDirection, bool DefaultDeny);
