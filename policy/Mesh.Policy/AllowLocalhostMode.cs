namespace Mesh.Policy;

/// <summary>The agent's <c>allow-localhost</c> option.</summary>
public enum AllowLocalhostMode
{
    /// <summary>Ingress from the local host (identity 1) is always allowed (Kubernetes mode's default).</summary>
    Always,

    /// <summary>The local host is subject to policy like any other peer.</summary>
    Policy,
}
