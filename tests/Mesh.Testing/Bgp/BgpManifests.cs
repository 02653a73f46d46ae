namespace Mesh.Testing.Bgp;

/// <summary>Cilium BGP v2 manifests for the tests (node-a peering with one router).</summary>
public static class BgpManifests
{
    public const string Node = """
        apiVersion: cilium.io/v2
        kind: CiliumNode
        metadata: {name: node-a, labels: {bgp: enabled}}
        spec:
          addresses: [{type: InternalIP, ip: 10.0.1.2}]
          ipam: {podCIDRs: [10.244.1.0/24]}
        """;

    public static string Cluster(string peerAddress = "10.0.1.1", string peerName = "tor-a") => $$$"""
        apiVersion: cilium.io/v2
        kind: CiliumBGPClusterConfig
        metadata: {name: tor-peering}
        spec:
          nodeSelector: {matchLabels: {bgp: enabled}}
          bgpInstances:
          - name: main
            localASN: 65001
            peers:
            - {name: {{{peerName}}}, peerASN: 65000, peerAddress: {{{peerAddress}}}, peerConfigRef: {name: tor}}
        """;

    public static string PeerConfig(int hold = 9, int port = 179) => $$$$"""
        apiVersion: cilium.io/v2
        kind: CiliumBGPPeerConfig
        metadata: {name: tor}
        spec:
          transport: {peerPort: {{{{port}}}}}
          timers: {holdTimeSeconds: {{{{hold}}}}, keepAliveTimeSeconds: 3, connectRetryTimeSeconds: 1}
          families:
          - {afi: ipv4, safi: unicast, advertisements: {matchLabels: {bgp-adv: default}}}
        """;

    /// <summary>PodCIDR with <paramref name="community"/>; with <paramref name="serviceLabel"/> also the LoadBalancer IPs of Services labelled <c>announce: &lt;label&gt;</c>.</summary>
    public static string Advertisement(string community = "65001:99", string? serviceLabel = null) => $$$"""
        apiVersion: cilium.io/v2
        kind: CiliumBGPAdvertisement
        metadata: {name: default, labels: {bgp-adv: default}}
        spec:
          advertisements:
          - advertisementType: PodCIDR
            attributes: {communities: {standard: ["{{{community}}}"]}}
        """ + (serviceLabel is null
            ? string.Empty
            : $"\n  - {{advertisementType: Service, service: {{addresses: [LoadBalancerIP]}}, selector: {{matchLabels: {{announce: {serviceLabel}}}}}}}");

    public static string Override(string localAddress) => $$$"""
        apiVersion: cilium.io/v2
        kind: CiliumBGPNodeConfigOverride
        metadata: {name: node-a}
        spec:
          bgpInstances:
          - name: main
            peers: [{name: tor-a, localAddress: {{{localAddress}}}}]
        """;
}
