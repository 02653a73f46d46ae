namespace Mesh.Policy;

/// <summary>The agent's <c>enable-policy</c> option.</summary>
public enum PolicyEnforcementMode
{
    /// <summary>A direction is enforced once a rule selecting the endpoint has that direction.</summary>
    Default,

    /// <summary>Every endpoint is default-deny in both directions, even without rules.</summary>
    Always,

    /// <summary>Everything is allowed.</summary>
    Never,
}
