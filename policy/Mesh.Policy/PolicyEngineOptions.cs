using System.Text.RegularExpressions;

namespace Mesh.Policy;

/// <summary>Agent options that change how policies are parsed and rendered.</summary>
public sealed partial record PolicyEngineOptions
{
    public const int DefaultPolicyMapMaxEntries = 16384;

    /// <summary>This cluster's name: injected into peer selectors and used by the <c>cluster</c> entity.</summary>
    public string LocalClusterName { get; init; } = "default";

    /// <summary><c>policy-default-local-cluster</c>: peer selectors without a cluster key select only this cluster.</summary>
    public bool PolicyDefaultLocalCluster { get; init; } = true;

    /// <summary><c>enable-policy</c>.</summary>
    public PolicyEnforcementMode EnforcementMode { get; init; } = PolicyEnforcementMode.Default;

    /// <summary><c>enable-non-default-deny-policies</c>: honour <c>enableDefaultDeny: false</c>.</summary>
    public bool EnableNonDefaultDenyPolicies { get; init; } = true;

    /// <summary><c>allow-localhost</c>.</summary>
    public AllowLocalhostMode AllowLocalhost { get; init; } = AllowLocalhostMode.Always;

    /// <summary>IPv4 and IPv6: world is split into world-ipv4 (9) and world-ipv6 (10).</summary>
    public bool DualStack { get; init; }

    /// <summary><c>bpf-policy-map-max</c>: an endpoint needing more entries is reported degraded.</summary>
    public int PolicyMapMaxEntries { get; init; } = DefaultPolicyMapMaxEntries;

    /// <summary>Every problem with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (LocalClusterName is null || LocalClusterName.Length is 0 or > 32 || !ClusterName().IsMatch(LocalClusterName))
        {
            errors.Add($"LocalClusterName: '{LocalClusterName}' must be 1-32 characters of [a-z0-9-]");
        }
        if (PolicyMapMaxEntries <= 0)
        {
            errors.Add($"PolicyMapMaxEntries: {PolicyMapMaxEntries} must be positive");
        }
        if (!Enum.IsDefined(EnforcementMode))
        {
            errors.Add($"EnforcementMode: {EnforcementMode} is not a mode");
        }
        if (!Enum.IsDefined(AllowLocalhost))
        {
            errors.Add($"AllowLocalhost: {AllowLocalhost} is not a mode");
        }
        return errors;
    }

    /// <summary>The cluster name to inject into peer selectors, or null when they select every cluster.</summary>
    internal string? InjectedCluster => PolicyDefaultLocalCluster ? LocalClusterName : null;

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex ClusterName();
}
