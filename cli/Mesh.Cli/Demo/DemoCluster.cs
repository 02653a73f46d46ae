using Mesh.Bpf.Maps;
using Mesh.ClusterMesh.Apiserver.Export;
using Mesh.ClusterMesh.Apiserver.KvStoreMesh;
using Mesh.KvStore.Embedded;
using Mesh.KvStore.Store;
using Mesh.NodeAgent.Host;

namespace Mesh.Cli.Demo;

/// <summary>One demo cluster: its own embedded etcd, its apiserver export, and KVStoreMesh reflectors for its peers.</summary>
internal sealed class DemoCluster(string name, uint id, EmbeddedBackend backend, IKvStore kv, ClusterExporter exporter) : IAsyncDisposable
{
    public string Name { get; } = name;

    public uint Id { get; } = id;

    public IKvStore Kv { get; } = kv;

    public ClusterExporter Exporter { get; } = exporter;

    public EmbeddedBackend Backend { get; } = backend;

    public List<RemoteClusterReflector> Reflectors { get; } = [];

    /// <summary>The cluster's node agent (one node), once started, and its userspace maps.</summary>
    public NodeAgentRuntime? Agent { get; set; }

    public IBpfMapStore? Maps { get; set; }

    public async ValueTask DisposeAsync()
    {
        if (Agent is not null)
        {
            await Agent.DisposeAsync();
        }
        Maps?.Dispose();
        foreach (var reflector in Reflectors)
        {
            await reflector.DisposeAsync();
        }
        await Exporter.DisposeAsync();
        await Kv.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
