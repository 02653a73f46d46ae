using Mesh.Kubernetes.Objects;
using Mesh.Policy.Cidr;
using Mesh.Policy.Labels;
using Mesh.Policy.Rules;
using Mesh.Policy.Selection;
using Mesh.Policy.Validation;

namespace Mesh.Policy.Translation;

/// <summary>
/// CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy → rules: the checks of spec §1.2 (all errors collected,
/// each naming its field), the nil/empty peer semantics of §1.4, default-deny of §1.6 and the injection of §1.7.
/// </summary>
internal static class CiliumPolicyTranslator
{
    public static TranslationResult Translate(CiliumNetworkPolicy policy, PolicyEngineOptions options) =>
        Translate(new PolicyOrigin(policy.Kind, policy.Metadata.Namespace, policy.Metadata.Name, policy.Uid), policy.Metadata.Namespace, policy.Spec, policy.Specs, options);

    public static TranslationResult Translate(CiliumClusterwideNetworkPolicy policy, PolicyEngineOptions options) =>
        Translate(new PolicyOrigin(policy.Kind, string.Empty, policy.Metadata.Name, policy.Uid), null, policy.Spec, policy.Specs, options);

    private static TranslationResult Translate(PolicyOrigin origin, string? ns, PolicyRuleSpec? spec, IReadOnlyList<PolicyRuleSpec>? specs, PolicyEngineOptions options)
    {
        var errors = new ErrorCollector(origin.Key);
        var rules = new List<PolicyRule>();
        var prefixes = new List<CidrPrefix>();
        if (spec is null && specs is null)
        {
            errors.Add("spec", "empty policy: neither spec nor specs is set");
        }
        var context = new Context(origin, ns, options, errors, prefixes);
        if (spec is not null)
        {
            TranslateRule(spec, "spec", context, rules);
        }
        for (var i = 0; i < (specs?.Count ?? 0); i++)
        {
            TranslateRule(specs![i], $"specs[{i}]", context, rules);
        }
        return errors.HasErrors
            ? new TranslationResult(origin, [], [], errors.Errors, errors.Warnings)
            : new TranslationResult(origin, rules, prefixes.Distinct().ToList(), [], errors.Warnings);
    }

    private static void TranslateRule(PolicyRuleSpec rule, string path, Context c, List<PolicyRule> output)
    {
        var errorsBefore = c.Errors.Errors.Count;
        IdentitySelector? subject = null;
        var selectsHost = false;
        if (rule.EndpointSelector is not null && rule.NodeSelector is not null)
        {
            c.Errors.Add(path, "endpointSelector and nodeSelector are mutually exclusive");
        }
        else if (rule.NodeSelector is { } nodeSelector)
        {
            if (c.Namespace is not null)
            {
                c.Errors.Add($"{path}.nodeSelector", "a CiliumNetworkPolicy cannot select nodes; use a CiliumClusterwideNetworkPolicy");
            }
            subject = SelectorInjection.ClusterwideSubject(nodeSelector);
            selectsHost = true;
        }
        else if (rule.EndpointSelector is { } endpointSelector)
        {
            if (c.Namespace is { } ns)
            {
                subject = SelectorInjection.CnpSubject(endpointSelector, ns, out var overridden);
                if (overridden is not null)
                {
                    c.Errors.Warn($"{path}.endpointSelector", $"'{overridden}' is replaced by the policy's namespace '{ns}'");
                }
            }
            else
            {
                subject = SelectorInjection.ClusterwideSubject(endpointSelector);
            }
        }
        else
        {
            c.Errors.Add(path, "one of endpointSelector or nodeSelector is required");
        }
        var hasIngress = (rule.Ingress?.Count ?? 0) + (rule.IngressDeny?.Count ?? 0) > 0;
        var hasEgress = (rule.Egress?.Count ?? 0) + (rule.EgressDeny?.Count ?? 0) > 0;
        if (!hasIngress && !hasEgress)
        {
            c.Errors.Add(path, "a rule needs at least one of ingress, ingressDeny, egress or egressDeny");
        }
        var subjectIsInit = subject is not null && subject.Requirements.Any(r => r.Source == LabelSources.Reserved && r.Key == WellKnownLabels.ReservedInit);
        var peerRules = new List<PeerRule>();
        Elements(rule.Ingress, $"{path}.ingress", TrafficDirection.Ingress, deny: false, subjectIsInit, c, peerRules);
        Elements(rule.IngressDeny, $"{path}.ingressDeny", TrafficDirection.Ingress, deny: true, subjectIsInit, c, peerRules);
        Elements(rule.Egress, $"{path}.egress", TrafficDirection.Egress, deny: false, subjectIsInit, c, peerRules);
        Elements(rule.EgressDeny, $"{path}.egressDeny", TrafficDirection.Egress, deny: true, subjectIsInit, c, peerRules);
        if (c.Errors.Errors.Count > errorsBefore || subject is null)
        {
            return;
        }
        output.Add(new PolicyRule(
            c.Origin,
            subject,
            selectsHost,
            new DirectionPosture(hasIngress, DefaultDeny(rule.EnableDefaultDeny?.Ingress, hasIngress, c.Options)),
            new DirectionPosture(hasEgress, DefaultDeny(rule.EnableDefaultDeny?.Egress, hasEgress, c.Options)),
            peerRules));
    }

    /// <summary>Spec §1.6.3: unset means "has this direction"; with non-default-deny policies disabled, always true.</summary>
    private static bool DefaultDeny(bool? written, bool hasDirection, PolicyEngineOptions options) =>
        !options.EnableNonDefaultDenyPolicies || (written ?? hasDirection);

    private static void Elements(IReadOnlyList<PolicyPeerRuleSpec>? elements, string path, TrafficDirection direction, bool deny, bool subjectIsInit, Context c, List<PeerRule> output)
    {
        for (var i = 0; i < (elements?.Count ?? 0); i++)
        {
            if (Element(elements![i], $"{path}[{i}]", direction, deny, subjectIsInit, c) is { } rule)
            {
                output.Add(rule);
            }
        }
    }

    private static PeerRule? Element(PolicyPeerRuleSpec e, string path, TrafficDirection direction, bool deny, bool subjectIsInit, Context c)
    {
        var prefix = direction == TrafficDirection.Ingress ? "from" : "to";
        foreach (var field in e.UnsupportedFields)
        {
            c.Errors.Add($"{path}.{field}", field.EndsWith("Requires", StringComparison.Ordinal)
                ? "was removed in Cilium 1.19; use a separate rule with the combined selector"
                : "is not supported by Mesh (L3/L4 policy only)");
        }
        var kinds = new (string Name, int Count)[]
        {
            ($"{prefix}Endpoints", e.Endpoints?.Count ?? 0),
            ($"{prefix}CIDR", e.Cidr?.Count ?? 0),
            ($"{prefix}CIDRSet", e.CidrSet?.Count ?? 0),
            ($"{prefix}Entities", e.Entities?.Count ?? 0),
            ($"{prefix}Nodes", e.Nodes?.Count ?? 0),
        };
        var used = kinds.Where(k => k.Count > 0).Select(k => k.Name).ToList();
        if (used.Count > 1)
        {
            c.Errors.Add(path, $"combining {used[0]} and {used[1]} is not supported yet; write them as separate items");
        }
        var hasPorts = (e.ToPorts?.Count ?? 0) > 0;
        var hasIcmps = (e.Icmps?.Count ?? 0) > 0;
        if (hasPorts && hasIcmps)
        {
            c.Errors.Add(path, "icmps and toPorts cannot be combined in one item");
        }
        var ports = new List<PortProtocol>();
        for (var j = 0; j < (e.ToPorts?.Count ?? 0); j++)
        {
            var portRule = e.ToPorts![j];
            var field = $"{path}.toPorts[{j}]";
            foreach (var l7 in portRule.L7Fields)
            {
                c.Errors.Add($"{field}.{l7}", deny ? "deny rules cannot carry L7 rules" : "L7 rules are not supported by Mesh (L3/L4 policy only)");
            }
            if (portRule.Ports.Count > PortValidation.MaxPortsPerRule)
            {
                c.Errors.Add($"{field}.ports", $"{portRule.Ports.Count} ports exceed the limit of {PortValidation.MaxPortsPerRule} per toPorts item");
            }
            if (portRule.Ports.Count == 0)
            {
                PortValidation.Cilium(new PortProtocolSpec(string.Empty, null, string.Empty), field, c.Errors, ports);
            }
            for (var p = 0; p < portRule.Ports.Count; p++)
            {
                PortValidation.Cilium(portRule.Ports[p], $"{field}.ports[{p}]", c.Errors, ports);
            }
        }
        for (var j = 0; j < (e.Icmps?.Count ?? 0); j++)
        {
            var icmp = e.Icmps![j];
            var field = $"{path}.icmps[{j}]";
            if (icmp.Fields.Count > PortValidation.MaxPortsPerRule)
            {
                c.Errors.Add($"{field}.fields", $"{icmp.Fields.Count} fields exceed the limit of {PortValidation.MaxPortsPerRule} per icmps item");
            }
            for (var f = 0; f < icmp.Fields.Count; f++)
            {
                PortValidation.IcmpField(icmp.Fields[f], $"{field}.fields[{f}]", c.Errors, ports);
            }
        }

        var anyPeerField = e.Endpoints is not null || e.Cidr is not null || e.CidrSet is not null || e.Entities is not null || e.Nodes is not null;
        if (!anyPeerField)
        {
            // No peer at all: L4-only on every identity, or (without ports) only a default-deny marker (§1.4).
            return ports.Count == 0 ? null : new PeerRule(direction, deny, null, ports);
        }
        var peers = new List<IdentitySelector>();
        var wildcard = false;
        for (var i = 0; i < (e.Endpoints?.Count ?? 0); i++)
        {
            peers.Add(SelectorInjection.Peer(e.Endpoints![i], c.Namespace, subjectIsInit, c.Options.InjectedCluster));
        }
        for (var i = 0; i < (e.Nodes?.Count ?? 0); i++)
        {
            peers.Add(SelectorInjection.Nodes(e.Nodes![i], c.Options.InjectedCluster));
        }
        for (var i = 0; i < (e.Cidr?.Count ?? 0); i++)
        {
            if (Prefix(e.Cidr![i], $"{path}.{prefix}CIDR[{i}]", c) is { } cidr)
            {
                peers.Add(CidrSelectors.For(cidr, [], c.Options.DualStack));
            }
        }
        for (var i = 0; i < (e.CidrSet?.Count ?? 0); i++)
        {
            if (CidrRule(e.CidrSet![i], $"{path}.{prefix}CIDRSet[{i}]", c) is { } selector)
            {
                peers.Add(selector);
            }
        }
        for (var i = 0; i < (e.Entities?.Count ?? 0); i++)
        {
            if (!EntitySelectors.TryResolve(e.Entities![i], c.Options.LocalClusterName, out var selectors, out var all))
            {
                c.Errors.Add($"{path}.{prefix}Entities[{i}]", $"unknown entity '{e.Entities[i]}'; known: {string.Join(", ", EntitySelectors.Names)}");
                continue;
            }
            wildcard |= all;
            if (!all)
            {
                peers.AddRange(selectors);
            }
        }
        return new PeerRule(direction, deny, wildcard ? null : peers.Distinct().ToList(), ports);
    }

    private static IdentitySelector? CidrRule(CidrRuleSpec rule, string path, Context c)
    {
        if (rule.CidrGroupRef.Length > 0 || rule.CidrGroupSelector is not null)
        {
            c.Errors.Add($"{path}.{(rule.CidrGroupRef.Length > 0 ? "cidrGroupRef" : "cidrGroupSelector")}", "CIDR groups are not supported by Mesh");
            return null;
        }
        if (rule.Cidr.Length == 0)
        {
            c.Errors.Add($"{path}.cidr", "missing");
            return null;
        }
        if (Prefix(rule.Cidr, $"{path}.cidr", c) is not { } cidr)
        {
            return null;
        }
        var except = new List<CidrPrefix>(rule.Except.Count);
        for (var i = 0; i < rule.Except.Count; i++)
        {
            if (Prefix(rule.Except[i], $"{path}.except[{i}]", c) is not { } carved)
            {
                continue;
            }
            if (!cidr.Contains(carved))
            {
                c.Errors.Add($"{path}.except[{i}]", $"'{rule.Except[i]}' is not inside '{rule.Cidr}'");
                continue;
            }
            except.Add(carved);
        }
        return CidrSelectors.For(cidr, except, c.Options.DualStack);
    }

    internal static CidrPrefix? Prefix(string text, string field, Context c)
    {
        if (!CidrPrefix.TryParse(text, out var prefix))
        {
            c.Errors.Add(field, $"'{text}' is not a CIDR prefix or address");
            return null;
        }
        if (!prefix.IsDefaultRoute)
        {
            c.Prefixes.Add(prefix);
        }
        return prefix;
    }

    internal sealed record Context(PolicyOrigin Origin, string? Namespace, PolicyEngineOptions Options, ErrorCollector Errors, List<CidrPrefix> Prefixes);
}
