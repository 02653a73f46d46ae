namespace Mesh.ClusterMesh.Apiserver.KvStoreMesh.Ownership;

/// <summary>
/// One replica only: it always owns every remote, its writes need no fence, and its in-process ID reservations
/// already see every remote (no claim is shared).
/// </summary>
public sealed class SingleReplicaOwnership : IRemoteOwnership
{
    public static readonly SingleReplicaOwnership Instance = new();

    public Task<OwnershipTerm> AcquireAsync(string remote, CancellationToken cancellationToken) =>
        Task.FromResult(new OwnershipTerm(remote, [], null, CancellationToken.None));

    public Task<string?> ClaimClusterIdAsync(string remote, uint id, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public Task ReleaseClusterIdAsync(string remote, CancellationToken cancellationToken) => Task.CompletedTask;
}
