using Mesh.Kubernetes.Objects;
using Mesh.Policy.Cidr;
using Mesh.Policy.Labels;
using Mesh.Policy.Rules;
using Mesh.Policy.Selection;
using Mesh.Policy.Validation;

namespace Mesh.Policy.Translation;

/// <summary>
/// Kubernetes NetworkPolicy → one rule (spec §1.10): every entry is an allow with default-deny; keys get the
/// <c>k8s</c> source; namespace selectors become <c>io.cilium.k8s.namespace.labels.*</c>; pod peers are injected
/// with the local cluster; no peers means every identity; a missing port means every port of the protocol.
/// </summary>
internal static class NetworkPolicyTranslator
{
    public static TranslationResult Translate(NetworkPolicy policy, PolicyEngineOptions options)
    {
        var ns = policy.Metadata.Namespace;
        var origin = new PolicyOrigin(policy.Kind, ns, policy.Metadata.Name, policy.Uid);
        var errors = new ErrorCollector(origin.Key);
        var prefixes = new List<CidrPrefix>();
        var context = new CiliumPolicyTranslator.Context(origin, ns, options, errors, prefixes);
        var spec = policy.Spec;
        for (var i = 0; i < spec.PolicyTypes.Count; i++)
        {
            if (spec.PolicyTypes[i] is not ("Ingress" or "Egress"))
            {
                errors.Add($"spec.policyTypes[{i}]", $"'{spec.PolicyTypes[i]}' is not Ingress or Egress");
            }
        }
        var subject = IdentitySelector.From(spec.PodSelector, LabelSources.K8s, [SelectorInjection.NamespaceIs(ns)]);
        var peerRules = new List<PeerRule>();
        Rules(spec.Ingress, "spec.ingress", "from", TrafficDirection.Ingress, context, peerRules);
        Rules(spec.Egress, "spec.egress", "to", TrafficDirection.Egress, context, peerRules);
        var listsIngress = spec.PolicyTypes.Contains("Ingress");
        var listsEgress = spec.PolicyTypes.Contains("Egress");
        var ingress = spec.Ingress.Count > 0 || listsIngress || !listsEgress;
        var egress = spec.Egress.Count > 0 || listsEgress;
        if (errors.HasErrors)
        {
            return new TranslationResult(origin, [], [], errors.Errors, errors.Warnings);
        }
        var rule = new PolicyRule(origin, subject, false, new DirectionPosture(ingress, true), new DirectionPosture(egress, true), peerRules);
        return new TranslationResult(origin, [rule], prefixes.Distinct().ToList(), [], errors.Warnings);
    }

    private static void Rules(IReadOnlyList<NetworkPolicyRuleSpec> rules, string path, string peersName, TrafficDirection direction, CiliumPolicyTranslator.Context c, List<PeerRule> output)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var field = $"{path}[{i}]";
            var ports = new List<PortProtocol>();
            for (var p = 0; p < rule.Ports.Count; p++)
            {
                Port(rule.Ports[p], $"{field}.ports[{p}]", c.Errors, ports);
            }
            List<IdentitySelector>? peers = null;
            if (rule.Peers.Count > 0)
            {
                peers = [];
                for (var p = 0; p < rule.Peers.Count; p++)
                {
                    if (Peer(rule.Peers[p], $"{field}.{peersName}[{p}]", c) is { } selector)
                    {
                        peers.Add(selector);
                    }
                }
            }
            output.Add(new PeerRule(direction, false, peers, ports));
        }
    }

    private static IdentitySelector? Peer(NetworkPolicyPeerSpec peer, string field, CiliumPolicyTranslator.Context c)
    {
        if (peer.IpBlock is { } block)
        {
            if (peer.PodSelector is not null || peer.NamespaceSelector is not null)
            {
                c.Errors.Add(field, "ipBlock cannot be combined with podSelector or namespaceSelector");
                return null;
            }
            if (CiliumPolicyTranslator.Prefix(block.Cidr, $"{field}.ipBlock.cidr", c) is not { } cidr)
            {
                return null;
            }
            var except = new List<CidrPrefix>();
            for (var i = 0; i < block.Except.Count; i++)
            {
                if (CiliumPolicyTranslator.Prefix(block.Except[i], $"{field}.ipBlock.except[{i}]", c) is { } carved)
                {
                    if (cidr.Contains(carved))
                    {
                        except.Add(carved);
                    }
                    else
                    {
                        c.Errors.Add($"{field}.ipBlock.except[{i}]", $"'{block.Except[i]}' is not inside '{block.Cidr}'");
                    }
                }
            }
            return CidrSelectors.For(cidr, except, c.Options.DualStack);
        }
        if (peer.PodSelector is null && peer.NamespaceSelector is null)
        {
            c.Errors.Add(field, "a peer needs podSelector, namespaceSelector or ipBlock");
            return null;
        }
        var pod = peer.PodSelector is { } p ? IdentitySelector.From(p, LabelSources.K8s) : IdentitySelector.Wildcard;
        var requirements = new List<SelectorRequirement>(pod.Requirements);
        if (peer.NamespaceSelector is { } nsSelector)
        {
            var nsRequirements = IdentitySelector.Compile(nsSelector, LabelSources.K8s, WellKnownLabels.NamespaceLabelsPrefix);
            if (nsRequirements.Count == 0)
            {
                requirements.Add(new SelectorRequirement(LabelSources.K8s, WellKnownLabels.Namespace, SelectorOperator.Exists));
            }
            requirements.AddRange(nsRequirements);
        }
        else
        {
            requirements.Add(SelectorInjection.NamespaceIs(c.Namespace!));
        }
        SelectorInjection.AddCluster(requirements, pod, c.Options.InjectedCluster);
        return new IdentitySelector(requirements);
    }

    private static void Port(NetworkPolicyPortSpec spec, string field, ErrorCollector errors, List<PortProtocol> output)
    {
        var protocols = PortValidation.Protocols(spec.Protocol, emptyIsAny: false);
        if (protocols is null || protocols.Length != 1)
        {
            errors.Add($"{field}.protocol", $"'{spec.Protocol}' is not TCP, UDP or SCTP");
            return;
        }
        if (spec.EndPort is { } end && (spec.Port.Length == 0 || !spec.Port.All(char.IsAsciiDigit)))
        {
            errors.Add($"{field}.endPort", $"endPort {end} needs a numeric port");
            return;
        }
        if (spec.EndPort is { } e && int.TryParse(spec.Port, out var start) && e < start)
        {
            errors.Add($"{field}.endPort", $"{e} is below port {start}");
            return;
        }
        if (PortValidation.TryPort(spec.Port, spec.EndPort, field, errors, allowZero: false, out var port, out var last, out var name))
        {
            output.Add(new PortProtocol(protocols[0], port, last, name));
        }
    }
}
