using System.Globalization;
using System.Text;
using Mesh.Bpf.Maps;
using Mesh.Kubernetes.Reading;
using Mesh.Policy;
using Mesh.Policy.Labels;
using Mesh.Policy.Maps;
using Mesh.Policy.Verdict;
using Mesh.Testing;

namespace Mesh.NodeAgent.Host.Tests;

/// <summary>
/// Random policies and identities through the agent: each case is one local endpoint with its own identity, selected
/// by exactly one random CNP; the agent programs its <c>cilium_policy_v2_&lt;id&gt;</c> map, and the §4 verdict read
/// from that map (decoded from the map store) equals a direct evaluation of the case's rules: an oracle written here
/// from spec §1 (peer selection with namespace and cluster injection, entities, explicit empty lists, L3-only,
/// L4-only, ranges, protocol ANY, deny wins, per-direction default deny and <c>enableDefaultDeny: false</c>), not
/// from the engine.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class PolicyAgentPropertyTests
{
    private const int Cases = 100;
    private const byte Tcp = 6;
    private const byte Udp = 17;
    private const byte Sctp = 132;
    private const byte Icmp = 1;
    private const byte Any = 255;
    private static readonly string[] Apps = ["frontend", "backend", "x"];
    private static readonly byte[] Protocols = [Tcp, Udp, Sctp, Icmp];

    private enum Peer
    {
        None,
        Empty,
        App,
        AppInCluster2,
        World,
    }

    private sealed record Item(bool Deny, bool Ingress, Peer Peer, string App, byte Proto, int Port, int EndPort)
    {
        public int Last => Math.Max(Port, EndPort);
    }

    private sealed record Case(int Index, List<Item> Items, bool IngressDefaultDeny, bool EgressDefaultDeny)
    {
        public ushort Endpoint => (ushort)(100 + Index);

        public uint Identity => (uint)(65800 + Index);
    }

    [Theory]
    [InlineData(101)]
    [InlineData(202)]
    [InlineData(303)]
    public async Task Verdict_ProgrammedMapOfRandomPolicies_EqualsDirectEvaluation(int seed)
    {
        var random = new Random(seed);
        var peers = new List<(uint Id, string[] Labels)>(PolicyAgentFixture.Identities)
        {
            (2, ["reserved:world"]),
            (6, ["reserved:remote-node"]),
        };
        for (var i = 0; i < 8; i++)
        {
            peers.Add(((uint)(65700 + i), Pod(random, "cluster1")));
            peers.Add(((uint)(131300 + i), Pod(random, "cluster2")));
        }
        var cases = Enumerable.Range(0, Cases).Select(i => RandomCase(random, i)).ToList();

        await using var fixture = new PolicyAgentFixture();
        fixture.WritePolicies("cases", Manifest(peers, cases));
        using var maps = BpfMapStores.Userspace();
        fixture.Start(maps);
        var expected = ExpectedMaps(fixture, peers, cases);
        // Wait for the agent to settle; the assertion below is the oracle's, not this.
        try
        {
            await Eventually.UntilAsync(() => fixture.Agent.IsReady && cases.All(c => PolicyAgentFixture.SameMap(PolicyAgentFixture.Programmed(maps, c.Endpoint), expected[c.Endpoint])), TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
        }

        fixture.Agent.PolicyStatus.Policies.Should().OnlyContain(p => p.Accepted);
        var subjects = cases.Take(4).Select(c => (c.Identity, CaseLabels(c.Index)));
        var checkedVerdicts = 0;
        foreach (var c in cases)
        {
            var programmed = PolicyAgentFixture.Programmed(maps, c.Endpoint);
            programmed.Should().NotBeEmpty("endpoint {0} has a programmed map", c.Endpoint);
            var ports = c.Items.SelectMany(i => new[] { i.Port - 1, i.Port, i.Last, i.Last + 1 }).Concat([1, 50, 99, 140, 65535]).Where(p => p is > 0 and <= 65535).Distinct().ToList();
            foreach (var (id, labels) in peers.Concat(subjects))
            {
                foreach (var ingress in new[] { true, false })
                {
                    foreach (var proto in Protocols)
                    {
                        foreach (var port in proto == Icmp ? [8] : ports)
                        {
                            var direction = ingress ? TrafficDirection.Ingress : TrafficDirection.Egress;
                            var want = Oracle(c, labels, ingress, proto, port);
                            var got = DatapathVerdict.Evaluate(programmed, direction, id, proto, (ushort)port);
                            got.Allowed.Should().Be(want, $"seed {seed} case {c.Index}: {direction} {id} proto {proto} port {port}; rules {string.Join(", ", c.Items)}, default deny in {c.IngressDefaultDeny} eg {c.EgressDefaultDeny}; map decided {got}");
                            checkedVerdicts++;
                        }
                    }
                }
            }
        }
        checkedVerdicts.Should().BeGreaterThan(Cases * 100);
    }

    /// <summary>Spec §1 applied directly to one case's rules for a peer's labels.</summary>
    private static bool Oracle(Case c, string[] labels, bool ingress, byte proto, int port)
    {
        var items = c.Items.Where(i => i.Ingress == ingress).ToList();
        if (items.Count == 0)
        {
            return true; // §1.6: no rule has the direction: not enforced.
        }
        bool Has(string label) => labels.Contains(label, StringComparer.Ordinal);
        bool PeerMatches(Item i) => i.Peer switch
        {
            // §1.4: no peer with toPorts is the wildcard; no peer and no toPorts contributes nothing.
            Peer.None => i.Proto != 0,
            Peer.Empty => false,
            // §1.7: namespace of the CNP and (policy-default-local-cluster) the local cluster injected.
            Peer.App => Has($"k8s:app={i.App}") && Has("k8s:io.kubernetes.pod.namespace=default") && Has("k8s:io.cilium.k8s.policy.cluster=cluster1"),
            Peer.AppInCluster2 => Has($"k8s:app={i.App}") && Has("k8s:io.kubernetes.pod.namespace=default") && Has("k8s:io.cilium.k8s.policy.cluster=cluster2"),
            Peer.World => Has("reserved:world"),
            _ => false,
        };
        bool PortMatches(Item i) => i.Proto switch
        {
            0 => true,
            Any => proto is Tcp or Udp or Sctp && port >= i.Port && port <= i.Last,
            _ => proto == i.Proto && port >= i.Port && port <= i.Last,
        };
        if (items.Any(i => i.Deny && PeerMatches(i) && PortMatches(i)))
        {
            return false; // §1.5: deny wins.
        }
        if (!(ingress ? c.IngressDefaultDeny : c.EgressDefaultDeny))
        {
            return true; // §1.6: only non-default-deny rules: a wildcard allow is synthesized.
        }
        return items.Any(i => !i.Deny && PeerMatches(i) && PortMatches(i));
    }

    private static Case RandomCase(Random random, int index)
    {
        var items = Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomItem(random)).ToList();
        return new Case(index, items, random.Next(5) != 0, random.Next(5) != 0);
    }

    private static Item RandomItem(Random random)
    {
        var proto = random.Next(4) switch { 0 => (byte)0, 1 => Tcp, 2 => Udp, _ => Any };
        var port = random.Next(1, 100);
        var end = random.Next(2) == 0 ? 0 : port + random.Next(0, 40);
        var peer = random.Next(10) switch
        {
            0 or 1 => Peer.None,
            2 => Peer.Empty,
            3 => Peer.AppInCluster2,
            4 => Peer.World,
            _ => Peer.App,
        };
        return new Item(random.Next(3) == 0, random.Next(2) == 0, peer, Apps[random.Next(Apps.Length)], proto, port, end);
    }

    private static string[] Pod(Random random, string cluster) =>
    [
        $"k8s:app={Apps[random.Next(Apps.Length)]}",
        $"k8s:io.kubernetes.pod.namespace={(random.Next(4) == 0 ? "prod" : "default")}",
        $"k8s:io.cilium.k8s.policy.cluster={cluster}",
    ];

    private static string[] CaseLabels(int index) =>
        [$"k8s:case=c{index}", "k8s:io.kubernetes.pod.namespace=default", "k8s:io.cilium.k8s.policy.cluster=cluster1"];

    private static string Spec(Case c)
    {
        string Element(Item i)
        {
            var field = i.Ingress ? "fromEndpoints" : "toEndpoints";
            var peer = i.Peer switch
            {
                Peer.Empty => $"{field}: []",
                Peer.App => $"{field}: [{{matchLabels: {{app: {i.App}}}}}]",
                Peer.AppInCluster2 => $"{field}: [{{matchLabels: {{app: {i.App}, io.cilium.k8s.policy.cluster: cluster2}}}}]",
                Peer.World => $"{(i.Ingress ? "fromEntities" : "toEntities")}: [world]",
                _ => string.Empty,
            };
            var protocol = i.Proto switch { Tcp => ", protocol: TCP", Udp => ", protocol: UDP", _ => string.Empty };
            var end = i.EndPort > 0 ? $", endPort: {i.EndPort}" : string.Empty;
            var ports = i.Proto == 0 ? string.Empty : $"toPorts: [{{ports: [{{port: '{i.Port}'{end}{protocol}}}]}}]";
            return "{" + string.Join(", ", new[] { peer, ports }.Where(s => s.Length > 0)) + "}";
        }
        var parts = new List<string> { $"endpointSelector: {{matchLabels: {{case: c{c.Index}}}}}" };
        foreach (var (name, ingress, deny) in new[] { ("ingress", true, false), ("ingressDeny", true, true), ("egress", false, false), ("egressDeny", false, true) })
        {
            var elements = c.Items.Where(i => i.Ingress == ingress && i.Deny == deny).Select(Element).ToList();
            if (elements.Count > 0)
            {
                parts.Add($"{name}: [{string.Join(", ", elements)}]");
            }
        }
        if (!c.IngressDefaultDeny || !c.EgressDefaultDeny)
        {
            var flags = new List<string>();
            if (!c.IngressDefaultDeny)
            {
                flags.Add("ingress: false");
            }
            if (!c.EgressDefaultDeny)
            {
                flags.Add("egress: false");
            }
            parts.Add($"enableDefaultDeny: {{{string.Join(", ", flags)}}}");
        }
        return "{" + string.Join(", ", parts) + "}";
    }

    private static string Manifest(List<(uint Id, string[] Labels)> peers, List<Case> cases)
    {
        var text = new StringBuilder();
        void Identity(uint id, string[] labels)
        {
            var map = string.Join(", ", labels.Select(l => l.Split('=', 2) is var kv ? $"\"{kv[0]}\": \"{kv[1]}\"" : string.Empty));
            text.Append(CultureInfo.InvariantCulture, $"---\napiVersion: cilium.io/v2\nkind: CiliumIdentity\nmetadata: {{name: \"{id}\"}}\nsecurity-labels: {{{map}}}\n");
        }
        foreach (var (id, labels) in peers.Where(p => p.Id is >= 65700 and < 65800 or >= 131300 and < 131400))
        {
            Identity(id, labels);
        }
        foreach (var c in cases)
        {
            Identity(c.Identity, CaseLabels(c.Index));
            text.Append(CultureInfo.InvariantCulture, $$"""
                ---
                apiVersion: cilium.io/v2
                kind: CiliumEndpoint
                metadata: {name: case-{{c.Index}}, namespace: default}
                status:
                  id: {{c.Endpoint}}
                  identity: {id: {{c.Identity}}}
                  networking:
                    node: 172.18.0.1
                    addressing: [{ipv4: 10.9.{{c.Index / 200}}.{{(c.Index % 200) + 1}}}]

                """);
            text.Append("---\n").Append(PolicyAgentFixture.Cnp(Spec(c), $"case-{c.Index}"));
        }
        return text.ToString();
    }

    /// <summary>What the engine computes for each case endpoint: only used to know when the agent has settled.</summary>
    private static Dictionary<ushort, IReadOnlyDictionary<PolicyMapKey, PolicyMapEntry>> ExpectedMaps(PolicyAgentFixture fixture, List<(uint Id, string[] Labels)> peers, List<Case> cases)
    {
        var engine = new PolicyEngine(fixture.Options.PolicyEngineOptions());
        foreach (var (id, labels) in peers.Where(p => p.Id > 255))
        {
            engine.UpsertIdentity(id, LabelSet.Parse(labels));
        }
        foreach (var c in cases)
        {
            engine.UpsertIdentity(c.Identity, LabelSet.Parse(CaseLabels(c.Index)));
            engine.UpsertPolicy(KubeObjectReader.Read(YamlDocuments.Parse(PolicyAgentFixture.Cnp(Spec(c), $"case-{c.Index}")).Single())!);
        }
        foreach (var c in cases)
        {
            engine.UpsertEndpoint(c.Endpoint, c.Identity);
        }
        return cases.ToDictionary(c => c.Endpoint, c => engine.GetMapState(c.Endpoint)!.Entries);
    }
}
