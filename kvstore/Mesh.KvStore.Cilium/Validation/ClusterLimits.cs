using System.Text.RegularExpressions;

namespace Mesh.KvStore.Cilium.Validation;

/// <summary>
/// Cluster naming and numbering rules (spec §3.3, §3.4): names, the 1..max ID range for 255 or 511 connected
/// clusters, and the 24-bit identity split into cluster bits and local bits.
/// </summary>
public sealed partial record ClusterLimits
{
    public const uint DefaultMaxConnectedClusters = 255;
    public const uint ExtendedMaxConnectedClusters = 511;
    private const int IdentityBits = 24;

    public ClusterLimits(uint maxConnectedClusters = DefaultMaxConnectedClusters)
    {
        if (maxConnectedClusters is not (DefaultMaxConnectedClusters or ExtendedMaxConnectedClusters))
        {
            throw new ArgumentOutOfRangeException(nameof(maxConnectedClusters), maxConnectedClusters, "max-connected-clusters must be 255 or 511");
        }
        MaxConnectedClusters = maxConnectedClusters;
    }

    public uint MaxConnectedClusters { get; }

    /// <summary>The largest valid cluster ID (255 or 511).</summary>
    public uint ClusterIdMax => MaxConnectedClusters;

    /// <summary>Local-identity bits: 16 in 255 mode, 15 in 511 mode.</summary>
    public int IdentityShift => IdentityBits - (MaxConnectedClusters == ExtendedMaxConnectedClusters ? 9 : 8);

    /// <summary>The numeric identities cluster <paramref name="clusterId"/> allocates from (cluster 0 starts at 256).</summary>
    public (uint First, uint Last) IdentityRange(uint clusterId) => clusterId == 0
        ? (256u, (1u << IdentityShift) - 1)
        : (clusterId << IdentityShift, ((clusterId + 1) << IdentityShift) - 1);

    /// <summary>The cluster an identity belongs to.</summary>
    public uint ClusterOf(uint identity) => (identity >> IdentityShift) & ClusterIdMax;

    /// <summary>Null when <paramref name="clusterId"/> may join a mesh (1..max).</summary>
    public Rejection? CheckClusterId(uint clusterId, string field = "cluster ID") =>
        clusterId >= 1 && clusterId <= ClusterIdMax
            ? null
            : new Rejection(RejectionReason.ClusterIdOutOfRange, $"{field} {clusterId} is outside 1..{ClusterIdMax}");

    /// <summary>Null for a valid cluster name: 1–32 characters of [a-z0-9-], alphanumeric at both ends, not "default" with an ID.</summary>
    public static Rejection? CheckClusterName(string name, uint clusterId)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 32 || !ClusterNamePattern().IsMatch(name))
        {
            return new Rejection(RejectionReason.InvalidField, $"cluster name '{name}' must be 1-32 characters matching ^([a-z0-9][-a-z0-9]*)?[a-z0-9]$");
        }
        if (name == "default" && clusterId != 0)
        {
            return new Rejection(RejectionReason.InvalidField, "cluster name 'default' is reserved for clusters without an ID");
        }
        return null;
    }

    [GeneratedRegex("^([a-z0-9][-a-z0-9]*)?[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex ClusterNamePattern();
}
