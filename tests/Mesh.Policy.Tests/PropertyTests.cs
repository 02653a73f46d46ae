using Mesh.Policy.Labels;
using Mesh.Policy.Maps;
using Mesh.Policy.Verdict;
using Mesh.Testing;
using static Mesh.Policy.Tests.Vectors;

namespace Mesh.Policy.Tests;

/// <summary>
/// Random policies and identities: the §4 verdict read from the computed map equals a direct evaluation of the
/// policies, and incremental churn ends in the same map (and change feed) as a fresh computation.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class PropertyTests
{
    private static readonly string[] Apps = ["a", "b", "c"];
    private static readonly string[] Clusters = ["cluster1", "cluster2"];
    private static readonly string[] WorldLabels = ["reserved:world"];
    private static readonly bool[] Directions = [true, false];
    private static readonly byte[] Protocols = [Tcp, Udp];

    private sealed record Item(bool Deny, bool Ingress, string? App, byte Proto, int Port, int EndPort);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Evaluate_RandomPolicies_MatchesDirectEvaluation(int seed)
    {
        var random = new Random(seed);
        var items = Enumerable.Range(0, random.Next(1, 7)).Select(_ => RandomItem(random)).ToList();
        var identities = RandomIdentities(random, 12);
        var engine = new PolicyEngine(Options);
        foreach (var (id, labels) in identities)
        {
            engine.UpsertIdentity(id, LabelSet.Parse(labels));
        }
        engine.UpsertIdentity(65601, LabelSet.Parse(Pod("backend", "default", null, "cluster1")));
        engine.UpsertPolicy(Read(Cnp(Spec(items)))).Accepted.Should().BeTrue();
        engine.UpsertEndpoint(1, 65601);
        var map = engine.GetMapState(1)!.Entries;

        foreach (var (id, labels) in identities.Append((2u, WorldLabels)))
        {
            foreach (var ingress in Directions)
            {
                foreach (var proto in Protocols)
                {
                    for (var port = 1; port <= 120; port += 7)
                    {
                        var direction = ingress ? TrafficDirection.Ingress : TrafficDirection.Egress;
                        var expected = Oracle(items, labels, ingress, proto, port);
                        var actual = DatapathVerdict.Evaluate(map, direction, id, proto, (ushort)port);
                        actual.Allowed.Should().Be(expected, $"seed {seed}: {direction} {id} {proto}/{port} with {string.Join(", ", items)}; {actual}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void IdentityChurn_RandomOrder_SameMapAsFreshComputation(int seed)
    {
        var random = new Random(seed);
        var items = Enumerable.Range(0, random.Next(2, 7)).Select(_ => RandomItem(random)).ToList();
        var policy = Read(Cnp(Spec(items)));
        var engine = new PolicyEngine(Options);
        engine.UpsertIdentity(65601, LabelSet.Parse(Pod("backend", "default", null, "cluster1")));
        engine.UpsertPolicy(policy);
        engine.UpsertEndpoint(1, 65601);
        var programmed = new Dictionary<PolicyMapKey, PolicyMapEntry>(engine.GetMapState(1)!.Entries);
        engine.TakeChanges(1);
        var live = new Dictionary<uint, string[]>();
        for (var step = 0; step < 60; step++)
        {
            var id = (uint)(random.Next(2) == 0 ? 65700 + random.Next(8) : 131300 + random.Next(8));
            if (live.ContainsKey(id) && random.Next(3) == 0)
            {
                engine.DeleteIdentity(id);
                live.Remove(id);
            }
            else
            {
                var labels = RandomPod(random, id >= 131072 ? "cluster2" : "cluster1");
                engine.UpsertIdentity(id, LabelSet.Parse(labels));
                live[id] = labels;
            }
            foreach (var change in engine.TakeChanges(1))
            {
                if (change.Entry is { } entry)
                {
                    programmed[change.Key] = entry;
                }
                else
                {
                    programmed.Remove(change.Key).Should().BeTrue("a delete names a key that was written");
                }
            }
        }

        var fresh = new PolicyEngine(Options);
        fresh.UpsertIdentity(65601, LabelSet.Parse(Pod("backend", "default", null, "cluster1")));
        foreach (var (id, labels) in live)
        {
            fresh.UpsertIdentity(id, LabelSet.Parse(labels));
        }
        fresh.UpsertPolicy(policy);
        fresh.UpsertEndpoint(1, 65601);
        engine.GetMapState(1)!.Entries.Should().BeEquivalentTo(fresh.GetMapState(1)!.Entries);
        programmed.Should().BeEquivalentTo(fresh.GetMapState(1)!.Entries);
    }

    [Fact]
    public void IdentityChurn_RemoteIdentityOfOtherSelector_OtherEndpointsUntouched()
    {
        var engine = Engine(null,
            Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend, io.cilium.k8s.policy.cluster: cluster2}}]}]}"),
            Cnp("{endpointSelector: {matchLabels: {app: frontend}}, ingress: [{fromEndpoints: [{matchLabels: {app: backend}}]}]}", "fe"));
        engine.UpsertEndpoint(9, 65600);
        engine.TakeChanges();

        engine.UpsertIdentity(131202, LabelSet.Parse(Pod("frontend", "default", null, "cluster2")));

        engine.TakeChanges().Should().Equal(new PolicyMapChange(Backend, In(131202), PolicyMapEntry.AllowFor(In(131202))));
        engine.DeleteIdentity(131202);
        engine.TakeChanges().Should().Equal(new PolicyMapChange(Backend, In(131202), null));
    }

    [Fact]
    public void IdentityChurn_RelabelledOutOfSelection_KeyRemoved()
    {
        var engine = Engine(null, Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}]}]}"));
        engine.TakeChanges();

        engine.UpsertIdentity(65600, LabelSet.Parse(Pod("other", "default", null, "cluster1")));

        engine.TakeChanges().Should().Equal(new PolicyMapChange(Backend, In(65600), null));
    }

    private static string Spec(List<Item> items)
    {
        string Element(Item i)
        {
            var peer = i.App is null ? string.Empty : $"{(i.Ingress ? "fromEndpoints" : "toEndpoints")}: [{{matchLabels: {{app: {i.App}}}}}]";
            var ports = i.Proto == 0 ? string.Empty : $"toPorts: [{{ports: [{{port: '{i.Port}', endPort: {i.EndPort}, protocol: {(i.Proto == Tcp ? "TCP" : "UDP")}}}]}}]";
            return "{" + string.Join(", ", new[] { peer, ports }.Where(s => s.Length > 0)) + "}";
        }
        string List(bool ingress, bool deny) => string.Join(", ", items.Where(i => i.Ingress == ingress && i.Deny == deny).Select(Element));
        var parts = new List<string> { "endpointSelector: {matchLabels: {app: backend}}" };
        foreach (var (name, ingress, deny) in new[] { ("ingress", true, false), ("ingressDeny", true, true), ("egress", false, false), ("egressDeny", false, true) })
        {
            if (items.Any(i => i.Ingress == ingress && i.Deny == deny))
            {
                parts.Add($"{name}: [{List(ingress, deny)}]");
            }
        }
        return "{" + string.Join(", ", parts) + "}";
    }

    private static bool Oracle(List<Item> items, string[] labels, bool ingress, byte proto, int port)
    {
        var directional = items.Where(i => i.Ingress == ingress).ToList();
        if (directional.Count == 0)
        {
            return true;
        }
        bool Matches(Item i) =>
            (i.App is null || (labels.Contains($"k8s:app={i.App}") && labels.Contains("k8s:io.kubernetes.pod.namespace=default") && labels.Contains("k8s:io.cilium.k8s.policy.cluster=cluster1")))
            && (i.Proto == 0 || (i.Proto == proto && port >= i.Port && port <= Math.Max(i.Port, i.EndPort)));
        var live = directional.Where(i => i.App is not null || i.Proto != 0).ToList();
        return !live.Any(i => i.Deny && Matches(i)) && live.Any(i => !i.Deny && Matches(i));
    }

    private static Item RandomItem(Random random)
    {
        var proto = random.Next(3) switch { 0 => (byte)0, 1 => Tcp, _ => Udp };
        var port = random.Next(1, 100);
        var end = random.Next(2) == 0 ? 0 : port + random.Next(0, 40);
        return new Item(random.Next(3) == 0, random.Next(2) == 0, random.Next(4) == 0 ? null : Apps[random.Next(Apps.Length)], proto, port, end);
    }

    private static List<(uint Id, string[] Labels)> RandomIdentities(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(i => ((uint)(65700 + i), RandomPod(random, Clusters[random.Next(2)])))];

    private static string[] RandomPod(Random random, string cluster) =>
        Pod(Apps[random.Next(Apps.Length)], random.Next(4) == 0 ? "prod" : "default", null, cluster);
}
