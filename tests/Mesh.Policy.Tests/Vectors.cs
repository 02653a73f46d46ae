using Mesh.Kubernetes.Objects;
using Mesh.Kubernetes.Reading;
using Mesh.Policy.Labels;
using Mesh.Policy.Maps;

namespace Mesh.Policy.Tests;

/// <summary>The common setup of the spec's test vectors (§5): clusters, identities and the backend endpoint.</summary>
internal static class Vectors
{
    public const ushort Backend = 42;
    public const byte Tcp = 6;
    public const byte Udp = 17;
    public const byte Sctp = 132;
    public const byte Icmp = 1;
    public const uint Allow = PolicyMapEntry.AllowPrecedence;

    public static PolicyEngineOptions Options { get; } = new()
    {
        LocalClusterName = "cluster1",
        PolicyDefaultLocalCluster = true,
        EnforcementMode = PolicyEnforcementMode.Default,
        AllowLocalhost = AllowLocalhostMode.Policy,
    };

    public static readonly (uint Id, string[] Labels)[] Identities =
    [
        (65600, Pod("frontend", "default", "fe", "cluster1")),
        (65601, Pod("backend", "default", "be", "cluster1")),
        (65602, ["k8s:app=frontend", "k8s:io.kubernetes.pod.namespace=prod", "k8s:io.cilium.k8s.namespace.labels.team=a", "k8s:io.cilium.k8s.policy.cluster=cluster1"]),
        (65603, ["k8s:k8s-app=kube-dns", "k8s:io.kubernetes.pod.namespace=kube-system", "k8s:io.cilium.k8s.policy.cluster=cluster1"]),
        (131200, Pod("frontend", "default", null, "cluster2")),
        (131201, Pod("backend", "default", null, "cluster2")),
        (16777217, ["cidr:10.0.0.0/8", "reserved:world"]),
        (16777218, ["cidr:10.96.0.0/12", "reserved:world"]),
        (16777219, ["cidr:20.1.1.1/32", "reserved:world"]),
    ];

    public static string[] Pod(string app, string ns, string? sa, string cluster)
    {
        var labels = new List<string> { $"k8s:app={app}", $"k8s:io.kubernetes.pod.namespace={ns}", $"k8s:io.cilium.k8s.policy.cluster={cluster}" };
        if (sa is not null)
        {
            labels.Add($"k8s:io.cilium.k8s.policy.serviceaccount={sa}");
        }
        return [.. labels];
    }

    /// <summary>An engine with the vector identities and the backend pod 65601 as endpoint <see cref="Backend"/>.</summary>
    public static PolicyEngine Engine(PolicyEngineOptions? options = null, params string[] policies)
    {
        var engine = new PolicyEngine(options ?? Options);
        foreach (var (id, labels) in Identities)
        {
            engine.UpsertIdentity(id, LabelSet.Parse(labels));
        }
        foreach (var policy in policies)
        {
            var status = engine.UpsertPolicy(Read(policy));
            status.Accepted.Should().BeTrue(string.Join("; ", status.Errors));
        }
        engine.UpsertEndpoint(Backend, 65601);
        return engine;
    }

    /// <summary>A CiliumNetworkPolicy in namespace default; <paramref name="spec"/> is a YAML flow mapping.</summary>
    public static string Cnp(string spec, string name = "p") =>
        $"apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {{name: {name}, namespace: default, uid: uid-{name}}}\nspec: {spec}\n";

    /// <summary>A CiliumClusterwideNetworkPolicy; <paramref name="spec"/> is a YAML flow mapping.</summary>
    public static string Ccnp(string spec, string name = "c") =>
        $"apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {{name: {name}}}\nspec: {spec}\n";

    /// <summary>A NetworkPolicy in namespace default; <paramref name="spec"/> is a YAML flow mapping.</summary>
    public static string Knp(string spec, string name = "k") =>
        $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: default}}\nspec: {spec}\n";

    public static IKubeObject Read(string yaml) => KubeObjectReader.Read(YamlDocuments.Parse(yaml).Single())!;

    public static PolicyMapKey In(uint id, byte proto = 0, ushort port = 0, int prefix = 0) => new(id, TrafficDirection.Ingress, proto, port, proto == 0 ? 0 : prefix);

    public static PolicyMapKey Eg(uint id, byte proto = 0, ushort port = 0, int prefix = 0) => new(id, TrafficDirection.Egress, proto, port, proto == 0 ? 0 : prefix);

    public static KeyValuePair<PolicyMapKey, PolicyMapEntry> A(PolicyMapKey key) => new(key, PolicyMapEntry.AllowFor(key));

    public static KeyValuePair<PolicyMapKey, PolicyMapEntry> D(PolicyMapKey key) => new(key, PolicyMapEntry.DenyFor(key));

    public static IReadOnlyDictionary<PolicyMapKey, PolicyMapEntry> Map(PolicyEngine engine) => engine.GetMapState(Backend)!.Entries;

    public static bool Allowed(PolicyEngine engine, TrafficDirection direction, uint identity, byte proto, ushort port) =>
        engine.Evaluate(Backend, direction, identity, proto, port).Allowed;
}
