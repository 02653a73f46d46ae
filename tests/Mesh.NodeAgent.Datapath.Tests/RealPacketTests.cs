using System.Net;
using Mesh.Bpf.Maps;
using Mesh.Bpf.Maps.Layouts;
using Mesh.ClusterMesh.Apiserver.Export;
using Mesh.ClusterMesh.Export;
using Mesh.Kubernetes.Manifests;
using Mesh.KvStore.Etcd;
using Mesh.KvStore.Etcd.Backend;
using Mesh.KvStore.Store;
using Mesh.NodeAgent.Host;
using Mesh.NodeAgent.Host.Programs;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Netns;
using Mesh.Testing.Prerequisites;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.NodeAgent.Datapath.Tests;

/// <summary>
/// Real packets through the endpoint datapath the agent attaches. One "node" network namespace holds the host side
/// of three veth pairs: <c>lxcclient</c> and <c>lxcbackend</c> lead to two pods of the local cluster "a" (the agent
/// attaches mesh_lxc.o to both), <c>rmt0</c> leads to a pod of the remote cluster "b" (routed by the node, no
/// programs: it stands for a pod on another cluster's node). Cluster b's manifests reach the agent through b's
/// exporter and a real etcd, as in a clustermesh. Every namespace, pin, server and agent goes on dispose.
/// <para>
/// Policy goes the agent's way: CiliumIdentities and a CiliumNetworkPolicy in cluster a's manifests, turned by the
/// agent into each endpoint's <c>cilium_policy_v2_&lt;id&gt;</c>, which the attached programs read.
/// </para>
/// </summary>
[Trait(TestCategory.Name, TestCategory.Kernel)]
#pragma warning disable CA1001 // Disposed in IAsyncLifetime.DisposeAsync, which xunit calls.
public sealed class RealPacketTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const uint ClientIdentity = 10001;
    private const uint BackendIdentity = 10002;
    private const ushort ClientEndpointId = 1;
    private const ushort BackendEndpointId = 2;
    private static readonly IPAddress Vip = IPAddress.Parse("10.96.0.10");
    private static readonly IPAddress ClientIp = IPAddress.Parse("10.1.1.2");
    private static readonly IPAddress BackendIp = IPAddress.Parse("10.1.2.2");
    private static readonly IPAddress RemoteIp = IPAddress.Parse("10.2.1.2");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(3);

    private readonly string _root = Directory.CreateTempSubdirectory("mesh-datapath-").FullName;
    private readonly string _pins = Path.Combine("/sys/fs/bpf", $"mesh-datapath-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly List<IAsyncDisposable> _cleanup = [];
    private readonly CancellationTokenSource _stop = new();
    private EtcdFixture? _etcd;
    private NetworkNamespace? _node;
    private NetworkNamespace? _client;
    private NetworkNamespace? _backend;
    private NetworkNamespace? _remote;
    private IBpfMapStore? _maps;
    private NodeAgentRuntime? _agent;
    private CancellationTokenSource? _agentStop;
    private Task _agentRun = Task.CompletedTask;

    private string ManifestsA => Path.Combine(_root, "a");

    private string ManifestsB => Path.Combine(_root, "b");

    private static string? Missing => Prerequisite.MissingNetns ?? Prerequisite.MissingBpf ?? Prerequisite.MissingEtcd;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await StopAgentAsync();
        await _stop.CancelAsync();
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }
        _maps?.Dispose();
        foreach (var ns in new[] { _client, _backend, _remote, _node })
        {
            if (ns is not null)
            {
                await ns.DisposeAsync();
            }
        }
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
        if (Directory.Exists(_pins))
        {
            Directory.Delete(_pins, recursive: true);
        }
        Directory.Delete(_root, recursive: true);
        _stop.Dispose();
    }

    [SkippableFact]
    public async Task ClientToGlobalVip_LocalThenPolicyThenRemote_RealTcpThroughAttachedPrograms()
    {
        SkipTestException.ThrowIf(Missing);
        await BuildTopologyAsync();
        WriteLocalCluster(localBackend: true);
        WriteRemoteCluster();
        _etcd = await EtcdFixture.StartAsync();
        await StartRemoteExporterAsync();
        _cleanup.Add(await PodServer.StartAsync(PathOf(_backend!), IPAddress.Any, 8080, "local-backend"));
        _cleanup.Add(await PodServer.StartAsync(PathOf(_remote!), IPAddress.Any, 8080, "remote-backend"));
        _maps = BpfMapStores.Kernel(_pins);

        StartAgent();
        await Eventually.UntilAsync(() => _agent!.IsReady && _agent.EndpointDatapath.Count(e => e.Attached) == 2, Patience);
        var firstPrograms = _agent!.EndpointDatapath.Select(e => (e.IngressProgramId, e.EgressProgramId)).ToList();

        // 1. The client reaches the VIP; with affinity local the local backend answers, and the reply comes back from the VIP.
        var established = await PodClient.TryConnectAsync(PathOf(_client!), Vip, 80, Short);
        established.Should().NotBeNull("the SYN to the VIP is translated to the local backend and the SYN-ACK reverse-translated");
        _cleanup.Add(established!);
        established!.Greeting.Should().Be("local-backend");
        (await established.EchoAsync("one", Short)).Should().Be("one");

        // 2. The agent restarts: programs are replaced in place over the pinned conntrack, the connection lives on.
        await StopAgentAsync();
        (await established.EchoAsync("agent down", Short)).Should().Be("agent down", "the filters outlive the agent");
        StartAgent();
        await Eventually.UntilAsync(() => _agent!.IsReady && _agent.EndpointDatapath.Count(e => e.Attached) == 2, Patience);
        _agent!.EndpointDatapath.Select(e => (e.IngressProgramId, e.EgressProgramId)).Should().NotIntersectWith(firstPrograms, "new programs replaced the old ones");
        (await established.EchoAsync("after restart", Short)).Should().Be("after restart");

        // 3. A policy now selects the backend and admits only app=admin: the next connection is dropped, the established one is not.
        WriteWhole(Path.Combine(ManifestsA, "policy.yaml"), """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: backend-admin-only, namespace: demo, uid: uid-backend-admin-only}
            spec:
              endpointSelector: {matchLabels: {app: backend}}
              ingress:
              - fromEndpoints: [{matchLabels: {app: admin}}]
            """);
        await Eventually.UntilAsync(() => _agent!.IsReady && _agent.PolicyStatus.Endpoints.Any(e => e.EndpointId == BackendEndpointId && e.IngressEnforced), Patience);
        var blocked = await PodClient.TryConnectAsync(PathOf(_client!), Vip, 80, Short);
        if (blocked is not null)
        {
            await blocked.DisposeAsync();
        }
        blocked.Should().BeNull("the backend's ingress policy no longer allows the client's identity");
        (await established.EchoAsync("still allowed", Short)).Should().Be("still allowed", "conntrack keeps the established connection");

        // 4. The local backend leaves the service: the VIP now leads to cluster b's backend.
        WriteLocalCluster(localBackend: false);
        PodClient? remote = null;
        await Eventually.UntilAsync(async () =>
        {
            remote = await PodClient.TryConnectAsync(PathOf(_client!), Vip, 80, Short);
            if (remote is not null && remote.Greeting != "remote-backend")
            {
                await remote.DisposeAsync();
                remote = null;
            }
            return remote is not null;
        }, Patience);
        _cleanup.Add(remote!);
        remote!.Greeting.Should().Be("remote-backend");
        (await remote.EchoAsync("across clusters", Short)).Should().Be("across clusters");
    }

    private async Task BuildTopologyAsync()
    {
        _node = await NetworkNamespace.CreateAsync("node");
        _client = await NetworkNamespace.CreateAsync("client");
        _backend = await NetworkNamespace.CreateAsync("backend");
        _remote = await NetworkNamespace.CreateAsync("remote");
        await _node.ExecCheckedAsync("sysctl", "-qw", "net.ipv4.ip_forward=1");
        foreach (var (pod, device, gateway, address) in new[]
        {
            (_client, "lxcclient", "10.1.1.1", ClientIp),
            (_backend, "lxcbackend", "10.1.2.1", BackendIp),
            (_remote, "rmt0", "10.2.1.1", RemoteIp),
        })
        {
            await _node.ConnectAsync(device, pod, "eth0");
            await _node.AddAddressAsync(device, $"{gateway}/24");
            await pod.AddAddressAsync("eth0", $"{address}/24");
            await pod.IpAsync("route", "add", "default", "via", gateway);
        }
    }

    private void StartAgent()
    {
        _agentStop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        _agent = new NodeAgentRuntime(
            new NodeAgentOptions { NodeName = "node1", ClusterName = "a", ClusterId = 1, ClusterMeshHealthCheckInterval = TimeSpan.FromMilliseconds(300) },
            new ManifestDirectorySource(ManifestsA, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance, TimeSpan.FromMilliseconds(200)),
            _maps!,
            TimeProvider.System,
            NullLoggerFactory.Instance,
            new EndpointDatapathOptions { PinDirectory = _pins, NetworkNamespacePath = PathOf(_node!) });
        _agent.AddRemote("b", ConnectEtcd);
        _agent.InitialRemotesKnown();
        _agentRun = _agent.RunAsync(_agentStop.Token);
    }

    private async Task StopAgentAsync()
    {
        if (_agent is null || _agentStop is null)
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

    private async Task StartRemoteExporterAsync()
    {
        var kv = ConnectEtcd();
        var exporter = new ClusterExporter(kv, new ManifestDirectorySource(ManifestsB, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance), new ExportOptions("b", 2), TimeProvider.System, NullLoggerFactory.Instance);
        var run = exporter.RunAsync(_stop.Token);
        _cleanup.Add(kv);
        _cleanup.Add(new Cleanup(async () =>
        {
            await _stop.CancelAsync();
            await run.ContinueWith(_ => { }, TaskScheduler.Default);
            await exporter.DisposeAsync();
        }));
        await exporter.ReadyTask.WaitAsync(Patience);
    }

    private IKvStore ConnectEtcd() =>
        KvStoreFactory.Create(new EtcdKvBackend(EtcdClientFactory.Create(new EtcdClientOptions { Endpoints = _etcd!.ClientEndpoints })));

    private void WriteLocalCluster(bool localBackend)
    {
        Directory.CreateDirectory(ManifestsA);
        var endpoints = localBackend
            ? $$"""
              endpoints:
              - addresses: ["{{BackendIp}}"]
                conditions: {ready: true}
                nodeName: node1
              """
            : "endpoints: []";
        var text = $$"""
            {{Service("a")}}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: echo-a
              namespace: demo
              labels:
                kubernetes.io/service-name: echo
            addressType: IPv4
            ports:
            - {name: http, port: 8080, protocol: TCP}
            {{endpoints}}
            ---
            apiVersion: cilium.io/v2
            kind: CiliumNode
            metadata:
              name: node1
            spec:
              addresses:
              - {type: InternalIP, ip: 172.18.0.1}
            ---
            {{Identity(ClientIdentity, "client")}}
            ---
            {{Identity(BackendIdentity, "backend")}}
            ---
            {{Endpoint("client", ClientIp, ClientIdentity, "172.18.0.1", "lxcclient", ClientEndpointId)}}
            ---
            {{Endpoint("backend", BackendIp, BackendIdentity, "172.18.0.1", "lxcbackend", BackendEndpointId)}}
            """;
        WriteWhole(Path.Combine(ManifestsA, "cluster.yaml"), text);
    }

    /// <summary>Written aside then renamed, so the manifest watcher never reads half a file.</summary>
    private void WriteWhole(string path, string text)
    {
        var temporary = Path.Combine(_root, Path.GetFileName(path) + ".tmp");
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    private void WriteRemoteCluster()
    {
        Directory.CreateDirectory(ManifestsB);
        File.WriteAllText(Path.Combine(ManifestsB, "cluster.yaml"), $$"""
            {{Service("b")}}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: echo-b
              namespace: demo
              labels:
                kubernetes.io/service-name: echo
            addressType: IPv4
            ports:
            - {name: http, port: 8080, protocol: TCP}
            endpoints:
            - addresses: ["{{RemoteIp}}"]
              conditions: {ready: true}
              nodeName: b-node1
            ---
            apiVersion: cilium.io/v2
            kind: CiliumNode
            metadata:
              name: b-node1
            spec:
              addresses:
              - {type: InternalIP, ip: 172.18.0.2}
            ---
            {{Endpoint("remote", RemoteIp, 131073, "172.18.0.2", null, 0)}}
            """);
    }

    private static string Service(string cluster) => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: echo
          namespace: demo
          annotations:
            service.cilium.io/global: "true"
            service.cilium.io/affinity: local
        spec:
          clusterIP: {{(cluster == "a" ? Vip.ToString() : "10.96.1.10")}}
          ports:
          - {name: http, port: 80, protocol: TCP}
        """;

    private static string Endpoint(string name, IPAddress address, uint identity, string node, string? hostInterface, ushort endpointId)
    {
        var annotations = hostInterface is null
            ? string.Empty
            : $"""

                annotations:
                  {EndpointInterface.InterfaceAnnotation}: {hostInterface}
                  {EndpointInterface.EndpointIdAnnotation}: "{endpointId}"
              """;
        return $$"""
            apiVersion: cilium.io/v2
            kind: CiliumEndpoint
            metadata:
              name: {{name}}
              namespace: demo{{annotations}}
            status:
              identity: {id: {{identity}}}
              networking:
                node: {{node}}
                addressing:
                - ipv4: {{address}}
            """;
    }

    private static string Identity(uint id, string app) => $$"""
        apiVersion: cilium.io/v2
        kind: CiliumIdentity
        metadata: {name: "{{id}}"}
        security-labels: {"k8s:app": "{{app}}", "k8s:io.kubernetes.pod.namespace": "demo", "k8s:io.cilium.k8s.policy.cluster": "a"}
        """;

    private static string PathOf(NetworkNamespace ns) => $"/run/netns/{ns.Name}";

    private static byte[] Bytes<T>(T layout)
        where T : struct, IBpfLayout<T>
    {
        var bytes = new byte[T.Size];
        layout.Write(bytes);
        return bytes;
    }

    private sealed class Cleanup(Func<Task> dispose) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await dispose();
    }
}
