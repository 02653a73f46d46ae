using Mesh.ClusterMesh.Apiserver.Export;
using Mesh.ClusterMesh.Apiserver.KvStoreMesh;
using Mesh.KvStore.Embedded;
using Mesh.KvStore.Store;

namespace Mesh.Cli.Demo;

/// <summary>One demo cluster: its own embedded etcd, its apiserver export, and KVStoreMesh reflectors for its peers.</summary>
internal sealed class DemoCluster(string name, uint id, EmbeddedBackend backend, IKvStore kv, ClusterExporter exporter) : IAsyncDisposable
{
    public string Name { get; } = name;

    public uint Id { get; } = id;

    public IKvStore Kv { get; } = kv;

    public ClusterExporter Exporter { get; } = exporter;

    public List<RemoteClusterReflector> Reflectors { get; } = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var reflector in Reflectors)
        {
            await reflector.DisposeAsync();
        }
        await Exporter.DisposeAsync();
        await Kv.DisposeAsync();
        await backend.DisposeAsync();
    }
}
