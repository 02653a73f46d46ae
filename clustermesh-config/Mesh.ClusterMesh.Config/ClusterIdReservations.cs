namespace Mesh.ClusterMesh.Config;

/// <summary>
/// The cluster IDs held by the connected remote clusters (Cilium's <c>ClusterIDsManager</c>, spec §3.3): two remotes
/// with the same ID would merge their identities and endpoints into one another, so the second one is refused until
/// the first releases the ID. A remote holds at most one ID; reserving a new one gives its old one back.
/// Thread-safe; one instance per process side (KVStoreMesh, node agent).
/// </summary>
public sealed class ClusterIdReservations
{
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, string> _holders = [];
    private readonly Dictionary<string, uint> _ids = new(StringComparer.Ordinal);

    /// <summary>The reserved IDs by cluster name, at the time of the call.</summary>
    public IReadOnlyDictionary<string, uint> Snapshot
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, uint>(_ids, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>
    /// Reserves <paramref name="id"/> for <paramref name="clusterName"/>, or refuses it when another cluster holds it
    /// (the cluster keeps whatever it held before). Re-reserving a cluster's own ID succeeds.
    /// </summary>
    public ClusterIdReservation Reserve(string clusterName, uint id)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterName);
        // 0 means "unset" and is refused by config validation before any reservation.
        ArgumentOutOfRangeException.ThrowIfZero(id);
        lock (_gate)
        {
            if (_holders.TryGetValue(id, out var holder) && !string.Equals(holder, clusterName, StringComparison.Ordinal))
            {
                return new ClusterIdReservation(clusterName, id, holder);
            }
            if (_ids.TryGetValue(clusterName, out var previous) && previous != id)
            {
                _holders.Remove(previous);
            }
            _ids[clusterName] = id;
            _holders[id] = clusterName;
            return new ClusterIdReservation(clusterName, id, HeldBy: null);
        }
    }

    /// <summary>Gives back whatever ID <paramref name="clusterName"/> holds; false when it held none.</summary>
    public bool Release(string clusterName)
    {
        ArgumentNullException.ThrowIfNull(clusterName);
        lock (_gate)
        {
            if (!_ids.Remove(clusterName, out var id))
            {
                return false;
            }
            _holders.Remove(id);
            return true;
        }
    }
}
