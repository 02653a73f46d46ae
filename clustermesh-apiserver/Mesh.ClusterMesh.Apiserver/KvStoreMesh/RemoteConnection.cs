using Mesh.KvStore.Store;

namespace Mesh.ClusterMesh.Apiserver.KvStoreMesh;

/// <summary>A client of a remote cluster's etcd and whatever must be disposed with it (the transport).</summary>
public sealed class RemoteConnection(IKvStore store, IAsyncDisposable? transport = null) : IAsyncDisposable
{
    public IKvStore Store { get; } = store ?? throw new ArgumentNullException(nameof(store));

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        if (transport is not null)
        {
            await transport.DisposeAsync();
        }
    }
}
