namespace Mesh.ClusterMesh.Apiserver.KvStoreMesh.Ownership;

/// <summary>Who may reflect a remote cluster: exactly one replica at a time.</summary>
public interface IRemoteOwnership
{
    /// <summary>Waits until this replica owns <paramref name="remote"/>; the term says when that ends.</summary>
    Task<OwnershipTerm> AcquireAsync(string remote, CancellationToken cancellationToken);
}
