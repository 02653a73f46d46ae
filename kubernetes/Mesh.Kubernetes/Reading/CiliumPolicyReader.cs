using System.Text.Json;
using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// Reads CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy with Cilium's field names. Only shapes are checked
/// here (an error names the field); what the rules mean is checked by the policy validator. Absent lists stay null
/// and <c>[]</c> stays empty, because Cilium gives them different meanings.
/// </summary>
internal static class CiliumPolicyReader
{
    private static readonly string[] L7FieldNames = ["rules", "terminatingTLS", "originatingTLS", "serverNames", "listener"];

    public static CiliumNetworkPolicy ReadNetworkPolicy(JsonFields o)
    {
        var meta = KubeObjectReader.Meta(o, namespaced: true);
        return new CiliumNetworkPolicy(meta, Uid(o), ReadRule(o.Object("spec")), ReadRules(o, "specs"));
    }

    public static CiliumClusterwideNetworkPolicy ReadClusterwidePolicy(JsonFields o)
    {
        var meta = KubeObjectReader.Meta(o, namespaced: false);
        return new CiliumClusterwideNetworkPolicy(meta, Uid(o), ReadRule(o.Object("spec")), ReadRules(o, "specs"));
    }

    internal static string Uid(JsonFields o) => o.Object("metadata")?.String("uid") ?? string.Empty;

    internal static bool Present(JsonFields o, string name) => o.Get(name).ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);

    private static List<PolicyRuleSpec>? ReadRules(JsonFields o, string name)
    {
        if (!Present(o, name))
        {
            return null;
        }
        var items = o.Array(name);
        var rules = new List<PolicyRuleSpec>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            rules.Add(ReadRule(JsonFields.Of(items[i], $"{o.Child(name)}[{i}]"))!);
        }
        return rules;
    }

    private static PolicyRuleSpec? ReadRule(JsonFields? rule)
    {
        if (rule is not { } r)
        {
            return null;
        }
        DefaultDenySpec? defaultDeny = r.Object("enableDefaultDeny") is { } d ? new DefaultDenySpec(d.Bool("ingress"), d.Bool("egress")) : null;
        return new PolicyRuleSpec(
            LabelSelectorReader.Read(r.Object("endpointSelector")),
            LabelSelectorReader.Read(r.Object("nodeSelector")),
            ReadPeerRules(r, "ingress", "from"),
            ReadPeerRules(r, "ingressDeny", "from"),
            ReadPeerRules(r, "egress", "to"),
            ReadPeerRules(r, "egressDeny", "to"),
            defaultDeny,
            ReadRuleLabels(r),
            r.String("description"));
    }

    private static List<string> ReadRuleLabels(JsonFields r)
    {
        var items = r.Array("labels");
        var labels = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var label = JsonFields.Of(items[i], $"{r.Child("labels")}[{i}]");
            var source = label.String("source");
            labels.Add($"{(source.Length == 0 ? "unspec" : source)}:{label.String("key")}={label.String("value")}");
        }
        return labels;
    }

    private static List<PolicyPeerRuleSpec>? ReadPeerRules(JsonFields r, string name, string prefix)
    {
        if (!Present(r, name))
        {
            return null;
        }
        var items = r.Array(name);
        var rules = new List<PolicyPeerRuleSpec>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            rules.Add(ReadPeerRule(JsonFields.Of(items[i], $"{r.Child(name)}[{i}]"), prefix));
        }
        return rules;
    }

    private static PolicyPeerRuleSpec ReadPeerRule(JsonFields e, string prefix)
    {
        var unsupported = new List<string>();
        foreach (var field in (string[])[$"{prefix}Groups", $"{prefix}Requires", "toFQDNs", "toServices", "authentication"])
        {
            if (Present(e, field))
            {
                unsupported.Add(field);
            }
        }
        return new PolicyPeerRuleSpec(
            Selectors(e, $"{prefix}Endpoints"),
            Present(e, $"{prefix}CIDR") ? e.Strings($"{prefix}CIDR") : null,
            CidrSet(e, $"{prefix}CIDRSet"),
            Present(e, $"{prefix}Entities") ? e.Strings($"{prefix}Entities") : null,
            Selectors(e, $"{prefix}Nodes"),
            Ports(e),
            Icmps(e),
            unsupported);
    }

    private static List<LabelSelector>? Selectors(JsonFields e, string name)
    {
        if (!Present(e, name))
        {
            return null;
        }
        var items = e.Array(name);
        var selectors = new List<LabelSelector>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            selectors.Add(LabelSelectorReader.Read(JsonFields.Of(items[i], $"{e.Child(name)}[{i}]"))!);
        }
        return selectors;
    }

    private static List<CidrRuleSpec>? CidrSet(JsonFields e, string name)
    {
        if (!Present(e, name))
        {
            return null;
        }
        var items = e.Array(name);
        var rules = new List<CidrRuleSpec>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var c = JsonFields.Of(items[i], $"{e.Child(name)}[{i}]");
            rules.Add(new CidrRuleSpec(c.String("cidr"), c.String("cidrGroupRef"), LabelSelectorReader.Read(c.Object("cidrGroupSelector")), c.Strings("except")));
        }
        return rules;
    }

    private static List<PortRuleSpec>? Ports(JsonFields e)
    {
        if (!Present(e, "toPorts"))
        {
            return null;
        }
        var items = e.Array("toPorts");
        var rules = new List<PortRuleSpec>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var rule = JsonFields.Of(items[i], $"{e.Child("toPorts")}[{i}]");
            var portItems = rule.Array("ports");
            var ports = new List<PortProtocolSpec>(portItems.Count);
            for (var p = 0; p < portItems.Count; p++)
            {
                var port = JsonFields.Of(portItems[p], $"{rule.Child("ports")}[{p}]");
                ports.Add(new PortProtocolSpec(port.String("port"), port.Integer("endPort", int.MinValue, int.MaxValue), port.String("protocol")));
            }
            var l7 = new List<string>();
            foreach (var field in L7FieldNames)
            {
                if (Present(rule, field))
                {
                    l7.Add(field);
                }
            }
            rules.Add(new PortRuleSpec(ports, l7));
        }
        return rules;
    }

    private static List<IcmpRuleSpec>? Icmps(JsonFields e)
    {
        if (!Present(e, "icmps"))
        {
            return null;
        }
        var items = e.Array("icmps");
        var rules = new List<IcmpRuleSpec>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var rule = JsonFields.Of(items[i], $"{e.Child("icmps")}[{i}]");
            var fieldItems = rule.Array("fields");
            var fields = new List<IcmpFieldSpec>(fieldItems.Count);
            for (var f = 0; f < fieldItems.Count; f++)
            {
                var field = JsonFields.Of(fieldItems[f], $"{rule.Child("fields")}[{f}]");
                fields.Add(new IcmpFieldSpec(field.String("family"), field.String("type")));
            }
            rules.Add(new IcmpRuleSpec(fields));
        }
        return rules;
    }
}
