using Mesh.Kubernetes.Reading;

namespace Mesh.Bgp.Config.Tests;

/// <summary>Verbatim YAML manifests to planner input, through the same reader the live manifest source uses.</summary>
internal static class Manifests
{
    public static BgpObjectStore Store(params string[] yaml)
    {
        var store = new BgpObjectStore();
        foreach (var text in yaml)
        {
            foreach (var document in YamlDocuments.Parse(text))
            {
                if (KubeObjectReader.Read(document) is { } item)
                {
                    store.Upsert(item);
                }
            }
        }
        return store;
    }

    public static BgpConfigInput Input(string node, params string[] yaml) => Store(yaml).ToInput(node);

    public const string Node = """
        apiVersion: cilium.io/v2
        kind: CiliumNode
        metadata:
          name: node-a
          labels: {bgp: enabled, kubernetes.io/hostname: node-a}
        spec:
          addresses:
          - {type: InternalIP, ip: 10.0.1.2}
          - {type: InternalIP, ip: "fd00:0:1::2"}
          ipam:
            podCIDRs: [10.244.1.0/24, "fd00:244:1::/64"]
        """;

    /// <summary>The example of spec/bgp.md C.1, verbatim.</summary>
    public const string SpecExample = """
        apiVersion: cilium.io/v2
        kind: CiliumBGPClusterConfig
        metadata: {name: tor-peering}
        spec:
          nodeSelector: {matchLabels: {bgp: enabled}}
          bgpInstances:
          - name: main
            localASN: 65001
            peers:
            - {name: tor-a, peerASN: 65000, peerAddress: 10.0.1.1, peerConfigRef: {name: tor}}
        ---
        apiVersion: cilium.io/v2
        kind: CiliumBGPPeerConfig
        metadata: {name: tor}
        spec:
          timers: {holdTimeSeconds: 9, keepAliveTimeSeconds: 3, connectRetryTimeSeconds: 5}
          gracefulRestart: {enabled: true, restartTimeSeconds: 60}
          authSecretRef: tor-md5            # Secret with key "password" in the BGP secrets namespace
          families:
          - {afi: ipv4, safi: unicast, advertisements: {matchLabels: {bgp-adv: default}}}
        ---
        apiVersion: cilium.io/v2
        kind: CiliumBGPAdvertisement
        metadata: {name: default, labels: {bgp-adv: default}}
        spec:
          advertisements:
          - advertisementType: PodCIDR
            attributes: {communities: {large: ["65001:1:1"]}}
          - advertisementType: Service
            service: {addresses: [LoadBalancerIP]}
            selector: {matchExpressions: [{key: bgp-exclude, operator: DoesNotExist}]}
            attributes: {communities: {standard: ["65001:200"], wellKnown: [no-export]}}
        """;

    public const string Secret = """
        apiVersion: v1
        kind: Secret
        metadata: {name: tor-md5, namespace: kube-system}
        data: {password: bWVzaC1tZDU=}
        """;

    public static string Service(string name, string lbIp, string policy = "Cluster", string labels = "{}") => $"""
        apiVersion: v1
        kind: Service
        metadata: {"{"}name: {name}, namespace: default, labels: {labels}{"}"}
        spec:
          type: LoadBalancer
          clusterIP: 10.96.0.{name.Length}
          externalIPs: [192.0.2.{name.Length}]
          externalTrafficPolicy: {policy}
          ports: [{"{"}port: 80{"}"}]
        status:
          loadBalancer:
            ingress: [{"{"}ip: {lbIp}{"}"}]
        """;

    public static string EndpointSlice(string service, string node) => $"""
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: {service}-abc
          namespace: default
          labels: {"{"}kubernetes.io/service-name: {service}{"}"}
        addressType: IPv4
        endpoints:
        - addresses: [10.244.1.7]
          conditions: {"{"}ready: true{"}"}
          nodeName: {node}
        ports: [{"{"}port: 80{"}"}]
        """;
}
