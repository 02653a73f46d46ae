using Mesh.ClusterMesh.Export;
using Mesh.ClusterMesh.Export.Conversion;
using Mesh.Kubernetes.Objects;
using Mesh.NodeAgent.LoadBalancerMaps;
using Mesh.NodeAgent.LoadBalancing;

namespace Mesh.NodeAgent.Tests;

/// <summary>
/// Several clusters, each with one node agent's planner: Services and EndpointSlices go into the local planner, and
/// every other cluster receives what the apiserver would export for them (through the real export conversion).
/// </summary>
internal sealed class MeshScenario
{
    private readonly Dictionary<string, Cluster> _clusters = [];

    public MeshScenario(params (string Name, uint Id)[] clusters)
    {
        foreach (var (name, id) in clusters)
        {
            _clusters[name] = new Cluster(name, id);
        }
    }

    public LbTables Tables(string cluster) => _clusters[cluster].Tables;

    public LoadBalancerPlanner Planner(string cluster) => _clusters[cluster].Planner;

    public void Apply(string cluster, KubeService service)
    {
        var c = _clusters[cluster];
        c.Services[service.Metadata.Name] = service;
        c.Planner.SetService(ServiceConversion.FromKubernetes(service));
        Export(c, service.Metadata.Name);
    }

    public void Apply(string cluster, EndpointSlice slice)
    {
        var c = _clusters[cluster];
        c.Slices[slice.Metadata.Name] = slice;
        c.Planner.SetBackends(ServiceConversion.FromEndpointSlice(slice, c.Id));
        Export(c, slice.ServiceName);
    }

    public void DeleteService(string cluster, string name)
    {
        var c = _clusters[cluster];
        c.Services.Remove(name);
        c.Planner.RemoveService(new ServiceName("default", name));
        Export(c, name);
    }

    /// <summary>The cluster's config was removed from the others: they drain its services.</summary>
    public void Disconnect(string cluster)
    {
        foreach (var other in _clusters.Values.Where(o => o.Name != cluster))
        {
            foreach (var name in _clusters[cluster].Services.Keys)
            {
                other.Planner.RemoveBackends(new ServiceName("default", name), ServiceBackendSet.RemoteSource(cluster));
            }
        }
        Flush();
    }

    public void Flush()
    {
        foreach (var cluster in _clusters.Values)
        {
            var changes = cluster.Planner.Flush();
            changes.Errors.Should().BeEmpty();
            cluster.Tables.Apply(changes);
        }
    }

    private void Export(Cluster from, string serviceName)
    {
        var name = new ServiceName("default", serviceName);
        var exported = from.Services.TryGetValue(serviceName, out var service)
            ? CiliumConverters.Service(service, from.Slices.Values.Where(s => s.ServiceName == serviceName), new ExportOptions(from.Name, from.Id))
            : null;
        var set = exported is null ? null : ServiceConversion.FromRemote(exported);
        foreach (var other in _clusters.Values.Where(o => o.Name != from.Name))
        {
            if (set is null)
            {
                other.Planner.RemoveBackends(name, ServiceBackendSet.RemoteSource(from.Name));
            }
            else
            {
                other.Planner.SetBackends(set);
            }
        }
        Flush();
    }

    private sealed class Cluster(string name, uint id)
    {
        public string Name { get; } = name;

        public uint Id { get; } = id;

        public LoadBalancerPlanner Planner { get; } = new($"{name}-node1");

        public LbTables Tables { get; } = new();

        public Dictionary<string, KubeService> Services { get; } = [];

        public Dictionary<string, EndpointSlice> Slices { get; } = [];
    }
}
