namespace Mesh.ClusterMesh.Apiserver.KvStoreMesh.Ownership;

/// <summary>Who may reflect a remote cluster: exactly one replica at a time.</summary>
public interface IRemoteOwnership
{
    /// <summary>Waits until this replica owns <paramref name="remote"/>; the term says when that ends.</summary>
    Task<OwnershipTerm> AcquireAsync(string remote, CancellationToken cancellationToken);

    /// <summary>
    /// Claims cluster ID <paramref name="id"/> for <paramref name="remote"/> among the remotes every replica reflects
    /// (each replica only knows its own); returns the remote holding it instead, or null when the claim is
    /// <paramref name="remote"/>'s. A remote holds one ID: claiming a new one gives up its old one.
    /// </summary>
    Task<string?> ClaimClusterIdAsync(string remote, uint id, CancellationToken cancellationToken);

    /// <summary>Gives up whatever cluster ID <paramref name="remote"/> claimed.</summary>
    Task ReleaseClusterIdAsync(string remote, CancellationToken cancellationToken);
}
