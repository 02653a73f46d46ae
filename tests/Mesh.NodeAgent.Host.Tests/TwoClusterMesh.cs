using System.Net;
using Mesh.Bpf.Maps;
using Mesh.ClusterMesh.Apiserver.Export;
using Mesh.ClusterMesh.Export;
using Mesh.NodeAgent.Host.Datapath;
using Mesh.KvStore.Store;
using Mesh.Kubernetes.Manifests;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.NodeAgent.Host.Tests;

/// <summary>
/// Cluster A exports its manifests into its kvstore through the real exporter; an agent of cluster B follows A and
/// programs a map store. Manifests are written to temp directories that are deleted on dispose.
/// </summary>
internal sealed class TwoClusterMesh : IAsyncDisposable
{
    public const string VipB = "10.96.1.10";
    private readonly string _root = Directory.CreateTempSubdirectory("mesh-agent-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<IKvStore> _connectA;
    private readonly IKvStore _kvA;
    private ClusterExporter? _exporter;
    private Task _exporterRun = Task.CompletedTask;
    private NodeAgentRuntime? _agent;
    private CancellationTokenSource? _agentStop;
    private Task _agentRun = Task.CompletedTask;

    public TwoClusterMesh(Func<IKvStore> connectA, string affinity = "none")
    {
        _connectA = connectA;
        _kvA = connectA();
        Directory.CreateDirectory(Path.Combine(_root, "a"));
        Directory.CreateDirectory(Path.Combine(_root, "b"));
        WriteService("a", "10.96.0.10", affinity, ("10.1.0.1", true), ("10.1.0.2", true));
        WriteService("b", VipB, affinity, ("10.2.0.1", true));
    }

    public string ManifestsA => Path.Combine(_root, "a");

    public string ManifestsB => Path.Combine(_root, "b");

    public NodeAgentRuntime Agent => _agent ?? throw new InvalidOperationException("agent not started");

    public void WriteService(string cluster, string vip, string affinity, params (string Ip, bool Ready)[] backends)
    {
        var endpoints = string.Join("\n", backends.Select(b => $"""
            - addresses: ["{b.Ip}"]
              conditions: {"{"}ready: {(b.Ready ? "true" : "false")}{"}"}
              nodeName: {cluster}-node1
            """));
        File.WriteAllText(Path.Combine(_root, cluster, "echo.yaml"), $"""
            apiVersion: v1
            kind: Service
            metadata:
              name: echo
              namespace: demo
              annotations:
                service.cilium.io/global: "true"
                service.cilium.io/affinity: {affinity}
            spec:
              clusterIP: {vip}
              ports:
              - {"{"}name: http, port: 80, protocol: TCP{"}"}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: echo-{cluster}
              namespace: demo
              labels:
                kubernetes.io/service-name: echo
            addressType: IPv4
            ports:
            - {"{"}name: http, port: 8080, protocol: TCP{"}"}
            endpoints:
            {endpoints}
            ---
            apiVersion: cilium.io/v2
            kind: CiliumNode
            metadata:
              name: {cluster}-node1
            spec:
              addresses:
              - {"{"}type: InternalIP, ip: 172.18.0.{(cluster == "a" ? 1 : 2)}{"}"}
            ---
            apiVersion: cilium.io/v2
            kind: CiliumEndpoint
            metadata:
              name: echo-{cluster}-0
              namespace: demo
            status:
              identity: {"{"}id: {(cluster == "a" ? 65600 : 131200)}{"}"}
              networking:
                node: 172.18.0.{(cluster == "a" ? 1 : 2)}
                addressing:
                - ipv4: {backends[0].Ip}
            """);
    }

    public async Task StartExporterAsync()
    {
        _exporter = new ClusterExporter(_kvA, new ManifestDirectorySource(ManifestsA, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance), new ExportOptions("a", 1), TimeProvider.System, NullLoggerFactory.Instance);
        _exporterRun = _exporter.RunAsync(_stop.Token);
        await _exporter.ReadyTask.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public void StartAgent(IBpfMapStore maps, TimeSpan cacheTtl = default)
    {
        _agentStop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        _agent = new NodeAgentRuntime(
            new NodeAgentOptions { NodeName = "b-node1", ClusterName = "b", ClusterId = 2, ClusterMeshCacheTtl = cacheTtl, ClusterMeshHealthCheckInterval = TimeSpan.FromMilliseconds(300) },
            new ManifestDirectorySource(Path.Combine(_root, "b"), TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance),
            maps,
            TimeProvider.System,
            NullLoggerFactory.Instance);
        _agent.AddRemote("a", _connectA);
        _agent.InitialRemotesKnown();
        _agentRun = _agent.RunAsync(_agentStop.Token);
    }

    public async Task StopAgentAsync()
    {
        if (_agentStop is null || _agent is null)
        {
            return;
        }
        await _agentStop.CancelAsync();
        await _agentRun.ContinueWith(_ => { }, TaskScheduler.Default);
        await _agent.DisposeAsync();
        _agentStop.Dispose();
        _agent = null;
        _agentStop = null;
    }

    /// <summary>The backend addresses (ip:port) in the slots of VIP:80/TCP, read back from the map store.</summary>
    public static IReadOnlyList<string> BackendsInMaps(IBpfMapStore maps, string vip) =>
        [.. LbMapReader.SlotBackends(maps, IPAddress.Parse(vip), 80)
            .Select(slot => slot.Backend is { } b ? $"{b.Address}:{b.Port}" : $"missing backend {slot.BackendId}")
            .Order(StringComparer.Ordinal)];

    public async ValueTask DisposeAsync()
    {
        await StopAgentAsync();
        await _stop.CancelAsync();
        await _exporterRun.ContinueWith(_ => { }, TaskScheduler.Default);
        if (_exporter is not null)
        {
            await _exporter.DisposeAsync();
        }
        await _kvA.DisposeAsync();
        _stop.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
