using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Reading;

/// <summary>Reads a networking.k8s.io/v1 NetworkPolicy; an absent <c>podSelector</c> selects every pod of the namespace.</summary>
internal static class NetworkPolicyReader
{
    public static NetworkPolicy Read(JsonFields o)
    {
        var meta = KubeObjectReader.Meta(o, namespaced: true);
        var spec = o.Object("spec") ?? throw new KubeObjectException("spec", "missing");
        return new NetworkPolicy(
            meta,
            CiliumPolicyReader.Uid(o),
            new NetworkPolicySpec(
                LabelSelectorReader.Read(spec.Object("podSelector")) ?? new LabelSelector(new Dictionary<string, string>(), []),
                Rules(spec, "ingress", "from"),
                Rules(spec, "egress", "to"),
                spec.Strings("policyTypes")));
    }

    private static List<NetworkPolicyRuleSpec> Rules(JsonFields spec, string name, string peersName)
    {
        var items = spec.Array(name);
        var rules = new List<NetworkPolicyRuleSpec>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var rule = JsonFields.Of(items[i], $"{spec.Child(name)}[{i}]");
            var peerItems = rule.Array(peersName);
            var peers = new List<NetworkPolicyPeerSpec>(peerItems.Count);
            for (var p = 0; p < peerItems.Count; p++)
            {
                var peer = JsonFields.Of(peerItems[p], $"{rule.Child(peersName)}[{p}]");
                IpBlockSpec? block = peer.Object("ipBlock") is { } b ? new IpBlockSpec(b.String("cidr"), b.Strings("except")) : null;
                peers.Add(new NetworkPolicyPeerSpec(LabelSelectorReader.Read(peer.Object("podSelector")), LabelSelectorReader.Read(peer.Object("namespaceSelector")), block));
            }
            var portItems = rule.Array("ports");
            var ports = new List<NetworkPolicyPortSpec>(portItems.Count);
            for (var p = 0; p < portItems.Count; p++)
            {
                var port = JsonFields.Of(portItems[p], $"{rule.Child("ports")}[{p}]");
                ports.Add(new NetworkPolicyPortSpec(port.String("protocol"), port.String("port"), port.Integer("endPort", int.MinValue, int.MaxValue)));
            }
            rules.Add(new NetworkPolicyRuleSpec(peers, ports));
        }
        return rules;
    }
}
