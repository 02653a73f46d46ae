using Mesh.Bpf.Maps;
using Mesh.Policy;
using Mesh.Policy.Verdict;
using Mesh.Testing;

namespace Mesh.NodeAgent.Host.Tests;

/// <summary>
/// The spec's vectors V1–V10 (§5) end to end: manifests → agent → programmed userspace policy map of endpoint 42,
/// whose content equals the policy engine's and whose §4 verdicts are the spec's. Plus restart, rejection,
/// degradation and endpoint removal.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class PolicyAgentTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const byte Tcp = 6;
    private const byte Udp = 17;
    private const byte Icmp = 1;
    private const TrafficDirection In = TrafficDirection.Ingress;
    private const TrafficDirection Eg = TrafficDirection.Egress;

    private const string V2Spec = "{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}]}]}";

    public static TheoryData<string, string?, bool, (TrafficDirection, uint, byte, ushort, bool)[]> Vectors => new()
    {
        { "V1", null, true, [(In, 2, Tcp, 22, true), (Eg, 16777218, Udp, 53, true)] },
        { "V2", PolicyAgentFixture.Cnp(V2Spec), true, [(In, 65600, Tcp, 80, true), (In, 131200, Tcp, 80, false), (In, 65602, Tcp, 80, false), (In, 2, Tcp, 80, false), (Eg, 2, Tcp, 443, true)] },
        { "V3", PolicyAgentFixture.Cnp(V2Spec), false, [(In, 65600, Tcp, 80, true), (In, 131200, Tcp, 80, true)] },
        { "V4a", PolicyAgentFixture.Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend, io.cilium.k8s.policy.cluster: cluster2}}]}]}"), true, [(In, 131200, Tcp, 80, true), (In, 65600, Tcp, 80, false)] },
        { "V4b", PolicyAgentFixture.Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend}, matchExpressions: [{key: io.cilium.k8s.policy.cluster, operator: Exists}]}]}]}"), true, [(In, 65600, Tcp, 80, true), (In, 131200, Tcp, 80, true)] },
        { "V5", PolicyAgentFixture.Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}], toPorts: [{ports: [{port: '8080', endPort: 8095, protocol: TCP}]}]}]}"), true, [(In, 65600, Tcp, 8085, true), (In, 65600, Tcp, 8096, false), (In, 65600, Udp, 8085, false), (In, 131200, Tcp, 8085, false)] },
        { "V6", PolicyAgentFixture.Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{toPorts: [{ports: [{port: '443'}]}]}]}"), true, [(In, 2, Tcp, 443, true), (In, 2, Udp, 443, true), (In, 65600, Tcp, 80, false), (In, 65600, Icmp, 8, false)] },
        { "V7", PolicyAgentFixture.Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEntities: [cluster]}], ingressDeny: [{toPorts: [{ports: [{port: '22', protocol: TCP}]}]}]}"), true, [(In, 65600, Tcp, 22, false), (In, 65600, Tcp, 80, true), (In, 6, Tcp, 80, true), (In, 131200, Tcp, 80, false), (In, 2, Tcp, 80, false)] },
        { "V8", PolicyAgentFixture.Cnp("{endpointSelector: {matchLabels: {app: backend}}, egress: [{toEndpoints: [{matchLabels: {app: frontend}}], toPorts: [{ports: [{port: '5432', protocol: TCP}, {port: '6379', protocol: TCP}]}]}], egressDeny: [{toEndpoints: [{matchLabels: {app: frontend}}], toPorts: [{ports: [{port: '5400', endPort: 5499, protocol: TCP}]}]}]}"), true, [(Eg, 65600, Tcp, 5432, false), (Eg, 65600, Tcp, 5499, false), (Eg, 65600, Tcp, 6379, true), (Eg, 65600, Tcp, 5500, false)] },
        { "V9", PolicyAgentFixture.Cnp("{endpointSelector: {matchLabels: {app: backend}}, egress: [{toCIDR: ['20.1.1.1/32']}, {toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.96.0.0/12]}]}]}"), true, [(Eg, 16777217, Tcp, 443, true), (Eg, 16777218, Tcp, 443, false), (Eg, 2, Tcp, 443, false), (Eg, 65600, Tcp, 443, false)] },
        { "V10", PolicyAgentFixture.Cnp("{endpointSelector: {matchLabels: {app: backend}}, egress: [{toEntities: [kube-apiserver], toPorts: [{ports: [{port: '443', protocol: TCP}]}]}, {toEntities: [world], toPorts: [{ports: [{port: '443', protocol: TCP}]}]}]}"), true, [(Eg, 7, Tcp, 443, true), (Eg, 7, Tcp, 6443, false), (Eg, 6, Tcp, 443, false), (Eg, 16777219, Tcp, 443, true), (Eg, 2, Udp, 443, false)] },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task Vector_ProgrammedMapEqualsEngineAndVerdictsMatchSpec(string name, string? policy, bool defaultLocalCluster, (TrafficDirection, uint, byte, ushort, bool)[] checks)
    {
        await using var fixture = new PolicyAgentFixture(defaultLocalCluster);
        fixture.WritePolicies("policy", policy);
        using var maps = BpfMapStores.Userspace();
        fixture.Start(maps);
        var expected = policy is null ? fixture.Expected() : fixture.Expected(policy);

        await Eventually.UntilAsync(() => fixture.Agent.IsReady && PolicyAgentFixture.SameMap(PolicyAgentFixture.Programmed(maps), expected), Patience);

        var programmed = PolicyAgentFixture.Programmed(maps);
        foreach (var (direction, identity, protocol, port, allow) in checks)
        {
            DatapathVerdict.Evaluate(programmed, direction, identity, protocol, port).Allowed.Should()
                .Be(allow, "{0}: {1} {2} proto {3} port {4}", name, direction, identity, protocol, port);
        }
        fixture.Agent.PolicyStatus.Endpoints.Should().ContainSingle(e => e.EndpointId == PolicyAgentFixture.Backend && !e.Degraded);
    }

    [Fact]
    public async Task Restart_SamePolicy_NoPolicyEntryWritten()
    {
        var state = Directory.CreateTempSubdirectory("mesh-policy-maps-").FullName;
        try
        {
            await using var fixture = new PolicyAgentFixture();
            var policy = PolicyAgentFixture.Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEntities: [cluster]}], ingressDeny: [{toPorts: [{ports: [{port: '22', protocol: TCP}]}]}]}");
            fixture.WritePolicies("policy", policy);
            var expected = fixture.Expected(policy);
            using (var maps = BpfMapStores.Userspace(state))
            {
                fixture.Start(maps);
                await Eventually.UntilAsync(() => fixture.Agent.IsReady && PolicyAgentFixture.SameMap(PolicyAgentFixture.Programmed(maps), expected), Patience);
                fixture.Agent.MapCounters.Single(c => c.Map == "cilium_policy_v2_*").Written.Should().Be(expected.Count);
                await fixture.StopAsync();
            }

            using var reopened = BpfMapStores.Userspace(state);
            fixture.Start(reopened);
            await Eventually.UntilAsync(
                () => fixture.Agent.IsReady && fixture.Agent.Reconcilers.Where(r => r.Name.StartsWith("policy", StringComparison.Ordinal)).All(r => r.LastFullReconciliation is not null),
                Patience);

            var counters = fixture.Agent.MapCounters.Single(c => c.Map == "cilium_policy_v2_*");
            counters.Written.Should().Be(0, "a restart with unchanged policy writes no entry");
            counters.Deleted.Should().Be(0);
            counters.Skipped.Should().Be(expected.Count);
            PolicyAgentFixture.SameMap(PolicyAgentFixture.Programmed(reopened), expected).Should().BeTrue();
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task InvalidPolicy_RejectedWithReason_OthersApply()
    {
        await using var fixture = new PolicyAgentFixture();
        var valid = PolicyAgentFixture.Cnp(V2Spec, "good");
        var invalid = PolicyAgentFixture.Cnp("{endpointSelector: {matchLabels: {app: backend}}, ingress: [{fromEndpoints: [{matchLabels: {app: x}}], fromCIDR: ['1.1.1.1/32']}]}", "bad");
        fixture.WritePolicies("good", valid);
        fixture.WritePolicies("bad", invalid);
        using var maps = BpfMapStores.Userspace();
        fixture.Start(maps);
        var expected = fixture.Expected(valid);

        await Eventually.UntilAsync(() => fixture.Agent.IsReady && PolicyAgentFixture.SameMap(PolicyAgentFixture.Programmed(maps), expected), Patience);

        var rejected = fixture.Agent.PolicyStatus.Policies.Single(p => !p.Accepted);
        rejected.Policy.Should().Contain("default/bad");
        string.Join("; ", rejected.Errors).Should().Contain("combining");
        fixture.Agent.PolicyStatus.Policies.Should().Contain(p => p.Accepted && p.Policy.Contains("default/good", StringComparison.Ordinal));
        var status = fixture.Agent.Status();
        Http.AgentStatusJson.Metrics(status).Should().MatchRegex(@"mesh_agent_policy_rejected\{[^}]*\} 1");
        Http.AgentStatusJson.Render(status)["policy"]!["rejected"]!.GetValue<int>().Should().Be(1);
        DatapathVerdict.Evaluate(PolicyAgentFixture.Programmed(maps), TrafficDirection.Ingress, 65600, Tcp, 80).Allowed.Should().BeTrue();
    }

    [Fact]
    public async Task MapOverLimit_EndpointDegraded_LastMapKeptWhole_RecoversWhenItFits()
    {
        await using var fixture = new PolicyAgentFixture(policyMapMax: 16);
        var v2 = PolicyAgentFixture.Cnp(V2Spec);
        fixture.WritePolicies("policy", v2);
        using var maps = BpfMapStores.Userspace();
        fixture.Start(maps);
        var small = fixture.Expected(v2);
        await Eventually.UntilAsync(() => fixture.Agent.IsReady && PolicyAgentFixture.SameMap(PolicyAgentFixture.Programmed(maps), small), Patience);

        // Six pod identities of every cluster, each on the 9 prefixes of TCP 80-444: far more than 16 keys.
        var big = PolicyAgentFixture.Ccnp("{endpointSelector: {}, ingress: [{fromEndpoints: [{matchExpressions: [{key: io.cilium.k8s.policy.cluster, operator: Exists}]}], toPorts: [{ports: [{port: '80', endPort: 444, protocol: TCP}]}]}]}");
        fixture.WritePolicies("big", big);
        await Eventually.UntilAsync(() => fixture.Agent.PolicyStatus.Degraded == 1, Patience);

        var endpoint = fixture.Agent.PolicyStatus.Endpoints.Single();
        endpoint.Entries.Should().BeGreaterThan(16);
        endpoint.Reason.Should().Contain("over its limit of 16");
        Http.AgentStatusJson.Metrics(fixture.Agent.Status()).Should().MatchRegex(@"mesh_agent_policy_endpoints_degraded\{[^}]*\} 1");
        PolicyAgentFixture.SameMap(PolicyAgentFixture.Programmed(maps), small).Should().BeTrue("a map over its limit is never truncated: the last programmed one stays");

        fixture.WritePolicies("big", null);
        await Eventually.UntilAsync(() => fixture.Agent.PolicyStatus.Degraded == 0 && PolicyAgentFixture.SameMap(PolicyAgentFixture.Programmed(maps), small), Patience);
    }

    [Fact]
    public async Task EndpointLeaves_ItsMapRemoved_NewEndpointGetsOne()
    {
        await using var fixture = new PolicyAgentFixture();
        fixture.WritePolicies("policy", PolicyAgentFixture.Cnp(V2Spec));
        using var maps = BpfMapStores.Userspace();
        fixture.Start(maps);
        await Eventually.UntilAsync(() => fixture.Agent.IsReady && maps.Names("cilium_policy_v2_").SequenceEqual(["cilium_policy_v2_00042"]), Patience);

        fixture.WriteEndpoint("frontend", 43, 65600);
        await Eventually.UntilAsync(() => maps.Names("cilium_policy_v2_").Count == 2 && PolicyAgentFixture.Programmed(maps, 43).Count > 0, Patience);
        fixture.RemoveEndpoint("backend");

        await Eventually.UntilAsync(() => maps.Names("cilium_policy_v2_").SequenceEqual(["cilium_policy_v2_00043"]), Patience);
        await Eventually.UntilAsync(() => fixture.Agent.PolicyStatus.Endpoints.Select(e => e.EndpointId).SequenceEqual([(ushort)43]), Patience);
    }
}
