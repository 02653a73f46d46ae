namespace Mesh.KvStore.Cilium.Validation;

/// <summary>Why an entry from a remote cluster was refused; also the metric label.</summary>
public enum RejectionReason
{
    /// <summary>The value does not decode.</summary>
    Malformed,

    /// <summary>A required field is empty.</summary>
    MissingField,

    /// <summary>The key does not name what the value describes.</summary>
    KeyValueMismatch,

    /// <summary>A cluster ID outside 1..max.</summary>
    ClusterIdOutOfRange,

    /// <summary>The entry claims another cluster's name.</summary>
    ClusterNameMismatch,

    /// <summary>The entry claims another cluster's ID.</summary>
    ClusterIdMismatch,

    /// <summary>A numeric identity outside the owning cluster's allocation range.</summary>
    IdentityOutOfRange,

    /// <summary>A field that must parse (an IP, a mode) does not.</summary>
    InvalidField,

    /// <summary>The remote's max-connected-clusters disagrees with ours.</summary>
    MaxConnectedClustersMismatch,
}
