using System.Globalization;
using System.Text;
using Mesh.Bpf.Maps;
using Mesh.Kubernetes.Manifests;
using Mesh.Kubernetes.Reading;
using Mesh.NodeAgent.Host.Policy;
using Mesh.Policy;
using Mesh.Policy.Labels;
using Mesh.Policy.Maps;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.NodeAgent.Host.Tests;

/// <summary>
/// One agent of cluster1 on node1 with the spec's vector identities (§5) as CiliumIdentities and the backend pod
/// 65601 as local endpoint 42, reading a live manifest directory; policies are written as files.
/// </summary>
internal sealed class PolicyAgentFixture : IAsyncDisposable
{
    public const ushort Backend = 42;
    private readonly string _root = Directory.CreateTempSubdirectory("mesh-policy-agent-").FullName;
    private CancellationTokenSource? _stop;
    private Task _run = Task.CompletedTask;

    public static readonly (uint Id, string[] Labels)[] Identities =
    [
        (65600, ["k8s:app=frontend", "k8s:io.kubernetes.pod.namespace=default", "k8s:io.cilium.k8s.policy.serviceaccount=fe", "k8s:io.cilium.k8s.policy.cluster=cluster1"]),
        (65601, ["k8s:app=backend", "k8s:io.kubernetes.pod.namespace=default", "k8s:io.cilium.k8s.policy.serviceaccount=be", "k8s:io.cilium.k8s.policy.cluster=cluster1"]),
        (65602, ["k8s:app=frontend", "k8s:io.kubernetes.pod.namespace=prod", "k8s:io.cilium.k8s.namespace.labels.team=a", "k8s:io.cilium.k8s.policy.cluster=cluster1"]),
        (65603, ["k8s:k8s-app=kube-dns", "k8s:io.kubernetes.pod.namespace=kube-system", "k8s:io.cilium.k8s.policy.cluster=cluster1"]),
        (131200, ["k8s:app=frontend", "k8s:io.kubernetes.pod.namespace=default", "k8s:io.cilium.k8s.policy.cluster=cluster2"]),
        (131201, ["k8s:app=backend", "k8s:io.kubernetes.pod.namespace=default", "k8s:io.cilium.k8s.policy.cluster=cluster2"]),
        (16777217, ["cidr:10.0.0.0/8", "reserved:world"]),
        (16777218, ["cidr:10.96.0.0/12", "reserved:world"]),
        (16777219, ["cidr:20.1.1.1/32", "reserved:world"]),
    ];

    public PolicyAgentFixture(bool defaultLocalCluster = true, int policyMapMax = 16384)
    {
        Options = new NodeAgentOptions
        {
            NodeName = "node1",
            ClusterName = "cluster1",
            ClusterId = 1,
            PolicyDefaultLocalCluster = defaultLocalCluster,
            PolicyMapMaxEntries = policyMapMax,
            FullReconciliationInterval = TimeSpan.FromSeconds(1),
        };
        var text = new StringBuilder("""
            apiVersion: cilium.io/v2
            kind: CiliumNode
            metadata: {name: node1}
            spec:
              addresses: [{type: InternalIP, ip: 172.18.0.1}]
            """);
        foreach (var (id, labels) in Identities)
        {
            var map = string.Join(", ", labels.Select(l => l.Split('=', 2) is var kv ? $"\"{kv[0]}\": \"{(kv.Length > 1 ? kv[1] : string.Empty)}\"" : string.Empty));
            text.Append(CultureInfo.InvariantCulture, $"\n---\napiVersion: cilium.io/v2\nkind: CiliumIdentity\nmetadata: {{name: \"{id}\"}}\nsecurity-labels: {{{map}}}\n");
        }
        File.WriteAllText(Path.Combine(_root, "identities.yaml"), text.ToString());
        WriteEndpoint("backend", Backend, 65601);
    }

    public NodeAgentOptions Options { get; }

    public NodeAgentRuntime Agent { get; private set; } = null!;

    public void WriteEndpoint(string name, ushort endpointId, uint identity) => File.WriteAllText(Path.Combine(_root, $"cep-{name}.yaml"), $$"""
        apiVersion: cilium.io/v2
        kind: CiliumEndpoint
        metadata: {name: {{name}}, namespace: default}
        status:
          id: {{endpointId}}
          identity: {id: {{identity}}}
          networking:
            node: 172.18.0.1
            addressing: [{ipv4: 10.0.1.{{endpointId % 250}}}]
        """);

    public void RemoveEndpoint(string name) => File.Delete(Path.Combine(_root, $"cep-{name}.yaml"));

    /// <summary>Writes (or with null removes) a manifest file of policies.</summary>
    public void WritePolicies(string file, string? yaml)
    {
        var path = Path.Combine(_root, file + ".yaml");
        if (yaml is null)
        {
            File.Delete(path);
        }
        else
        {
            File.WriteAllText(path, yaml);
        }
    }

    public void Start(IBpfMapStore maps)
    {
        _stop = new CancellationTokenSource();
        Agent = new NodeAgentRuntime(Options, new ManifestDirectorySource(_root, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance), maps, TimeProvider.System, NullLoggerFactory.Instance);
        Agent.InitialRemotesKnown();
        _run = Agent.RunAsync(_stop.Token);
    }

    public async Task StopAsync()
    {
        if (_stop is null)
        {
            return;
        }
        await _stop.CancelAsync();
        await _run.ContinueWith(_ => { }, TaskScheduler.Default);
        await Agent.DisposeAsync();
        _stop.Dispose();
        _stop = null;
    }

    /// <summary>What the policy engine computes for the backend from the same inputs: the map the agent must program.</summary>
    public IReadOnlyDictionary<PolicyMapKey, PolicyMapEntry> Expected(params string[] policies)
    {
        var engine = new PolicyEngine(Options.PolicyEngineOptions());
        foreach (var (id, labels) in Identities)
        {
            engine.UpsertIdentity(id, LabelSet.Parse(labels));
        }
        foreach (var policy in policies.SelectMany(p => YamlDocuments.Parse(p)))
        {
            engine.UpsertPolicy(KubeObjectReader.Read(policy)!);
        }
        engine.UpsertEndpoint(Backend, 65601);
        return engine.GetMapState(Backend)!.Entries;
    }

    public static IReadOnlyDictionary<PolicyMapKey, PolicyMapEntry> Programmed(IBpfMapStore maps, ushort endpoint = Backend) =>
        PolicyMapReader.Read(maps, endpoint) ?? new Dictionary<PolicyMapKey, PolicyMapEntry>();

    public static bool SameMap(IReadOnlyDictionary<PolicyMapKey, PolicyMapEntry> a, IReadOnlyDictionary<PolicyMapKey, PolicyMapEntry> b) =>
        a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out var v) && v == e.Value);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>A CiliumNetworkPolicy in namespace default; <paramref name="spec"/> is a YAML flow mapping.</summary>
    public static string Cnp(string spec, string name = "p") =>
        $"apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {{name: {name}, namespace: default, uid: uid-{name}}}\nspec: {spec}\n";

    public static string Ccnp(string spec, string name = "c") =>
        $"apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {{name: {name}}}\nspec: {spec}\n";
}
