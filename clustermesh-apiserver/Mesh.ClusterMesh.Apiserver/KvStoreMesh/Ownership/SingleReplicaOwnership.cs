namespace Mesh.ClusterMesh.Apiserver.KvStoreMesh.Ownership;

/// <summary>One replica only: it always owns every remote, and its writes need no fence.</summary>
public sealed class SingleReplicaOwnership : IRemoteOwnership
{
    public static readonly SingleReplicaOwnership Instance = new();

    public Task<OwnershipTerm> AcquireAsync(string remote, CancellationToken cancellationToken) =>
        Task.FromResult(new OwnershipTerm(remote, [], null, CancellationToken.None));
}
